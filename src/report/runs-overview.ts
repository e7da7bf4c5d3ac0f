// `assay runs`: every stored run with its liveness, progress, models and selectors.
import type { Db } from "../store/db.ts";
import { livenessOf, type RunState } from "../store/run-owner.ts";
import { runProgress } from "../store/run-progress.ts";
import { listRuns, recordedCommand } from "../store/runs.ts";
import { columns } from "./table.ts";

/** One run as `assay runs` lists it. */
export interface RunOverview {
  id: number;
  /** The stored status (`running`, `done`, `interrupted`). */
  status: string;
  /** What it is doing now: `live`, `dead`, `stale`, `unknown`, `done`, `interrupted` (store/run-owner.ts). */
  state: RunState;
  createdAt: string;
  finishedAt: string | null;
  assayVersion: string;
  seed: number;
  models: string[];
  /** Task selectors (empty: every task). */
  select: string[];
  /** Trials stored, of which errors, and planned (null until the run has stored its plan). */
  trials: number;
  errors: number;
  planned: number | null;
  /** The process running it (host, pid) while it runs. */
  owner?: { host: string; pid: number };
  /** Why it stopped early, if recorded (e.g. the disk was full). */
  stopReason?: string;
}

/**
 * Every stored run, newest first, with its liveness and progress.
 * @example for (const r of runsOverview(openStore(path, { readonly: true }))) console.log(r.id, r.state, r.trials)
 */
export function runsOverview(db: Db): RunOverview[] {
  const progress = runProgress(db);
  return listRuns(db).map((run) => {
    const command = recordedCommand(run);
    const liveness = livenessOf(run);
    const p = progress.get(run.id) ?? { trials: 0, errors: 0, planned: null };
    return {
      id: run.id,
      status: run.status,
      state: liveness.state,
      createdAt: run.created_at,
      finishedAt: run.finished_at,
      assayVersion: run.assay_version,
      seed: run.seed,
      models: command.models,
      select: command.select,
      trials: p.trials,
      errors: p.errors,
      planned: p.planned,
      owner: liveness.owner ? { host: liveness.owner.host, pid: liveness.owner.pid } : undefined,
      stopReason: liveness.stopReason,
    };
  });
}

/** The runs as a table: id, state, created, trials (stored/planned), errors, models, selectors. */
export function runsTable(runs: RunOverview[], options: { width?: number } = {}): string {
  const rows = runs.map((r) => [
    String(r.id),
    r.state + (r.stopReason ? ` (${r.stopReason})` : ""),
    r.createdAt.replace("T", " ").replace(/\.\d+Z$/, "Z"),
    r.planned === null ? String(r.trials) : `${r.trials}/${r.planned}`,
    String(r.errors),
    r.models.join(", "),
    r.select.join(" ") || "(all)",
  ]);
  return columns(["run", "state", "created", "trials", "errors", "models", "selectors"], rows, {
    rightAligned: [0, 3, 4],
    rule: true,
    width: options.width,
  });
}
