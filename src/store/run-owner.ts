// Who is running a run: the owner (host, pid) and a heartbeat renewed while it runs, so a
// run left `running` by a killed process is told from a live one.
import { hostname } from "node:os";
import { UserError } from "../errors.ts";
import { storePath, type Db } from "./db.ts";
import { getRun, type RunRow } from "./runs.ts";

/** How often a running run renews its heartbeat (ms). */
export const HEARTBEAT_INTERVAL_MS = 5_000;

/** A heartbeat older than this (3 intervals) marks a running run `stale`. */
export const STALE_AFTER_MS = 3 * HEARTBEAT_INTERVAL_MS;

/**
 * A stale run whose owner may still exist (another host; or this host with its pid taken,
 * perhaps by another process) is taken over only after this much silence (10 minutes):
 * long enough that a process stalled on a lock or a slow disk has surely given up.
 */
export const TAKEOVER_AFTER_MS = 10 * 60_000;

/**
 * What a run is doing now. `live`: running, and its owner is alive (same host) with a fresh
 * heartbeat. `dead`: running, but its owner's pid is gone on this host (killed, crashed).
 * `stale`: running, but no heartbeat for over STALE_AFTER_MS (owner on another host, hung, or
 * its pid reused). `unknown`: running with no recorded owner (a run from before schema 2).
 * `done` / `interrupted`: finished.
 */
export type RunState = "live" | "dead" | "stale" | "unknown" | "done" | "interrupted";

export interface RunLiveness {
  state: RunState;
  /** The owner as recorded: host, pid, and whether that pid exists (only known on the same host). */
  owner?: { host: string; pid: number; alive?: boolean };
  /** Milliseconds since the last heartbeat (running runs with an owner). */
  heartbeatAgeMs?: number;
  /** Why a finished run stopped early, if recorded. */
  stopReason?: string;
}

/** The liveness verdict for a run row (see RunState); `now` for tests. */
export function livenessOf(run: RunRow, now = Date.now()): RunLiveness {
  const stopReason = run.stop_reason ?? undefined;
  if (run.status !== "running") return { state: run.status, stopReason };
  if (run.owner_host == null || run.owner_pid == null) return { state: "unknown" };
  const sameHost = run.owner_host === hostname();
  const alive = sameHost ? pidAlive(run.owner_pid) : undefined;
  const heartbeatAgeMs = run.heartbeat_ms == null ? undefined : Math.max(0, now - run.heartbeat_ms);
  const owner = { host: run.owner_host, pid: run.owner_pid, alive };
  if (alive === false) return { state: "dead", owner, heartbeatAgeMs };
  if (heartbeatAgeMs === undefined || heartbeatAgeMs > STALE_AFTER_MS) return { state: "stale", owner, heartbeatAgeMs };
  return { state: "live", owner, heartbeatAgeMs };
}

/** The liveness of run `runId`, or undefined when there is no such run. */
export function runLiveness(db: Db, runId: number): RunLiveness | undefined {
  const run = getRun(db, runId);
  return run ? livenessOf(run) : undefined;
}

/** A process exists (signal 0 checks without sending; EPERM means it exists under another user). */
function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Renew run `runId`'s heartbeat (one UPDATE; this process must own the run). */
export function beat(db: Db, runId: number, now = Date.now()): void {
  db.prepare("UPDATE runs SET heartbeat_ms = ? WHERE id = ? AND owner_host = ? AND owner_pid = ?").run(now, runId, hostname(), process.pid);
}

/**
 * Renew the heartbeat every `intervalMs` until the returned function is called. The timer
 * does not keep the process alive, and a failed beat (disk full, lock held too long) is
 * skipped: the run's own writes report such trouble.
 */
export function startHeartbeat(db: Db, runId: number, intervalMs = HEARTBEAT_INTERVAL_MS): () => void {
  const timer = setInterval(() => {
    try {
      if (db.open) beat(db, runId);
    } catch {
      // best effort: see above
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Make this process the owner of run `runId` and set it running again (for --resume),
 * checking in the same IMMEDIATE transaction that no live process owns it: two resumes at
 * once cannot both win. Allowed for a finished, `dead` or `unknown` run, and a `stale` one
 * silent for over TAKEOVER_AFTER_MS; refused (UserError E_RUN_LIVE) otherwise, and when
 * there is no such run (E_RESUME). Returns the verdict it replaced.
 */
export function takeOverRun(db: Db, runId: number): RunLiveness {
  return db
    .transaction((): RunLiveness => {
      const run = getRun(db, runId);
      if (!run) throw new UserError(`no run ${runId} in ${storePath(db)}`, { code: "E_RESUME" });
      const verdict = livenessOf(run);
      if (verdict.state === "live" || (verdict.state === "stale" && (verdict.heartbeatAgeMs ?? Infinity) <= TAKEOVER_AFTER_MS)) {
        const { host, pid } = verdict.owner!;
        const silent =
          verdict.state === "stale"
            ? ` (no heartbeat for ${Math.round(verdict.heartbeatAgeMs! / 1000)} s; it is taken over after ${TAKEOVER_AFTER_MS / 60_000} minutes of silence)`
            : "";
        throw new UserError(`run ${runId} is still running in process ${pid} on ${host}${silent}; wait for it to finish or stop it first`, {
          code: "E_RUN_LIVE",
        });
      }
      db.prepare(
        "UPDATE runs SET status = 'running', finished_at = NULL, stop_reason = NULL, owner_host = ?, owner_pid = ?, heartbeat_ms = ? WHERE id = ?",
      ).run(hostname(), process.pid, Date.now(), runId);
      return verdict;
    })
    .immediate();
}
