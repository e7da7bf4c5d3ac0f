// Run ownership and liveness: a dead run is told from a live one; a live one cannot be taken over.
import { afterEach, describe, expect, it, vi } from "vitest";
import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import { join } from "node:path";
import { UserError } from "../../src/errors.ts";
import { openStore, type Db } from "../../src/store/db.ts";
import {
  HEARTBEAT_INTERVAL_MS,
  livenessOf,
  runLiveness,
  STALE_AFTER_MS,
  startHeartbeat,
  takeOverRun,
  TAKEOVER_AFTER_MS,
} from "../../src/store/run-owner.ts";
import { getRun, insertRun, setRunStatus } from "../../src/store/runs.ts";
import { workspace } from "../helpers/workspace.ts";

/** The pid of a process that has exited (so no process has it, barring reuse within the test). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(r.stdout);
}

function store(): Db {
  return openStore(join(workspace(), "owner.db"));
}

const setOwner = (db: Db, runId: number, host: string, pid: number, heartbeatMs: number) =>
  db.prepare("UPDATE runs SET owner_host = ?, owner_pid = ?, heartbeat_ms = ? WHERE id = ?").run(host, pid, heartbeatMs, runId);

afterEach(() => {
  vi.useRealTimers();
});

describe("run liveness", () => {
  it("records this process as the owner of a new run, which is live", () => {
    const db = store();
    const before = Date.now();
    const runId = insertRun(db, { assayVersion: "test", seed: 0, command: {} });
    const run = getRun(db, runId)!;
    expect(run).toMatchObject({ owner_host: hostname(), owner_pid: process.pid, status: "running" });
    expect(run.heartbeat_ms).toBeGreaterThanOrEqual(before);
    expect(runLiveness(db, runId)).toMatchObject({ state: "live", owner: { host: hostname(), pid: process.pid, alive: true } });
    expect(runLiveness(db, runId + 1)).toBeUndefined();
    db.close();
  });

  it("calls a running run dead when its owner's pid is gone on this host", () => {
    const db = store();
    const runId = insertRun(db, { assayVersion: "test", seed: 0, command: {} });
    const pid = deadPid();
    setOwner(db, runId, hostname(), pid, Date.now());
    expect(runLiveness(db, runId)).toMatchObject({ state: "dead", owner: { pid, alive: false } });
    db.close();
  });

  it("calls a running run stale when its heartbeat is older than three intervals", () => {
    const db = store();
    const runId = insertRun(db, { assayVersion: "test", seed: 0, command: {} });
    const now = Date.now();
    setOwner(db, runId, "elsewhere.example", 4242, now - STALE_AFTER_MS + 1000);
    expect(livenessOf(getRun(db, runId)!, now)).toMatchObject({ state: "live", owner: { host: "elsewhere.example", alive: undefined } });
    setOwner(db, runId, "elsewhere.example", 4242, now - STALE_AFTER_MS - 1000);
    expect(livenessOf(getRun(db, runId)!, now)).toMatchObject({ state: "stale", heartbeatAgeMs: STALE_AFTER_MS + 1000 });
    // This host, pid alive, but silent: stale too (hung, or the pid was reused).
    setOwner(db, runId, hostname(), process.pid, now - STALE_AFTER_MS - 1);
    expect(livenessOf(getRun(db, runId)!, now).state).toBe("stale");
    db.close();
  });

  it("says unknown for a running run without an owner, and the status of a finished one", () => {
    const db = store();
    const runId = insertRun(db, { assayVersion: "test", seed: 0, command: {} });
    db.prepare("UPDATE runs SET owner_host = NULL, owner_pid = NULL, heartbeat_ms = NULL").run();
    expect(runLiveness(db, runId)).toEqual({ state: "unknown" });
    setRunStatus(db, runId, "interrupted", "the disk was full");
    expect(runLiveness(db, runId)).toEqual({ state: "interrupted", stopReason: "the disk was full" });
    setRunStatus(db, runId, "done");
    expect(runLiveness(db, runId)).toEqual({ state: "done", stopReason: undefined });
    db.close();
  });

  it("renews the heartbeat every interval until stopped", () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "Date"] });
    vi.setSystemTime(1_000_000);
    const db = store();
    const runId = insertRun(db, { assayVersion: "test", seed: 0, command: {} });
    expect(getRun(db, runId)!.heartbeat_ms).toBe(1_000_000);
    const stop = startHeartbeat(db, runId);
    vi.advanceTimersByTime(HEARTBEAT_INTERVAL_MS);
    expect(getRun(db, runId)!.heartbeat_ms).toBe(1_000_000 + HEARTBEAT_INTERVAL_MS);
    vi.advanceTimersByTime(HEARTBEAT_INTERVAL_MS);
    expect(getRun(db, runId)!.heartbeat_ms).toBe(1_000_000 + 2 * HEARTBEAT_INTERVAL_MS);
    stop();
    vi.advanceTimersByTime(5 * HEARTBEAT_INTERVAL_MS);
    expect(getRun(db, runId)!.heartbeat_ms).toBe(1_000_000 + 2 * HEARTBEAT_INTERVAL_MS);
    db.close();
  });

  it("takes over a dead or long-silent run for resume, and refuses a live one", () => {
    const db = store();
    const runId = insertRun(db, { assayVersion: "test", seed: 0, command: {} });
    // Live: owned by a process that exists (this one), fresh heartbeat.
    let thrown: unknown;
    try {
      takeOverRun(db, runId);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UserError);
    expect((thrown as UserError).code).toBe("E_RUN_LIVE");
    expect((thrown as UserError).message).toBe(
      `run ${runId} is still running in process ${process.pid} on ${hostname()}; wait for it to finish or stop it first`,
    );
    // Stale but not yet silent long enough: still refused.
    setOwner(db, runId, "elsewhere.example", 4242, Date.now() - STALE_AFTER_MS - 5000);
    expect(() => takeOverRun(db, runId)).toThrow(/still running in process 4242 on elsewhere.example \(no heartbeat for 20 s/);
    setOwner(db, runId, "elsewhere.example", 4242, Date.now() - TAKEOVER_AFTER_MS - 1000);
    expect(takeOverRun(db, runId).state).toBe("stale");
    expect(getRun(db, runId)).toMatchObject({ status: "running", owner_host: hostname(), owner_pid: process.pid, finished_at: null });
    // Dead: taken over at once; an interrupted run too.
    setOwner(db, runId, hostname(), deadPid(), Date.now());
    expect(takeOverRun(db, runId).state).toBe("dead");
    setRunStatus(db, runId, "interrupted", "ctrl-c");
    expect(takeOverRun(db, runId)).toEqual({ state: "interrupted", stopReason: "ctrl-c" });
    expect(getRun(db, runId)).toMatchObject({ status: "running", stop_reason: null });
    expect(() => takeOverRun(db, 99)).toThrow(/no run 99 in /);
    db.close();
  });
});
