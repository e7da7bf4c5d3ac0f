// `assay show`: a stored run's summary, with a warning when its numbers are partial (the run
// is still going, died, or was interrupted).
import { UserError } from "../errors.ts";
import { storePath, type Db } from "../store/db.ts";
import { livenessOf, type RunLiveness } from "../store/run-owner.ts";
import { runProgress, type RunProgress } from "../store/run-progress.ts";
import { getRun, listRuns, type RunRow } from "../store/runs.ts";
import { type HumanReport, humanReport } from "./human-summary.ts";
import type { JudgeReport } from "./judge-summary.ts";
import { countOf } from "./plural.ts";
import { runSummary, type SummaryResult } from "./summary.ts";

/** A stored run's summary and how complete it is. */
export interface RunReport {
  run: RunRow;
  liveness: RunLiveness;
  progress: RunProgress;
  results: SummaryResult[];
  /** Judge agreements, pairwise tallies and rankings. */
  judges: JudgeReport;
  /** Human ratings from the run's review queues (none: `queues` is empty). */
  human: HumanReport;
  /** Set when the numbers are partial: says why, and how far the run got. */
  warning?: string;
}

/**
 * Summarise run `runId` (default: the newest run) as stored now. A run that has not
 * finished gets a `warning` naming its state and trials so far of those planned.
 * @example const { results, warning } = showRun(openStore(path, { readonly: true }), 3)
 */
export function showRun(db: Db, runId?: number): RunReport {
  const run = runId !== undefined ? getRun(db, runId) : listRuns(db)[0];
  if (!run)
    throw new UserError(runId !== undefined ? `no run ${runId} in ${storePath(db)}` : `no runs in ${storePath(db)}`, { code: "E_SHOW" });
  const liveness = livenessOf(run);
  const progress = runProgress(db, run.id).get(run.id)!;
  const summary = runSummary(db, run.id, { seed: run.seed });
  return {
    run,
    liveness,
    progress,
    results: summary.results,
    judges: summary.judges,
    human: humanReport(db, run.id, { seed: run.seed }),
    warning: partialWarning(run.id, liveness, progress),
  };
}

/** Why a run's numbers are partial, or undefined for a finished run. */
export function partialWarning(runId: number, liveness: RunLiveness, progress: RunProgress): string | undefined {
  if (liveness.state === "done") return undefined;
  const sofar =
    progress.planned === null
      ? `${countOf(progress.trials, "trial")} so far`
      : `${progress.trials} of ${countOf(progress.planned, "planned trial")} so far`;
  const partial = `its numbers are partial (${sofar})`;
  const resume = `finish it with: assay run --resume ${runId}`;
  const owner = liveness.owner ? `process ${liveness.owner.pid} on ${liveness.owner.host}` : "";
  switch (liveness.state) {
    case "live":
      return `run ${runId} is still running (${owner}): ${partial}`;
    case "dead":
      return `run ${runId} is dead: ${owner} is gone (killed or crashed); ${partial}; ${resume}`;
    case "stale":
      return `run ${runId} has sent no heartbeat${liveness.heartbeatAgeMs === undefined ? "" : ` for ${Math.round(liveness.heartbeatAgeMs / 1000)} s`} (${owner}): it may be hung or gone; ${partial}`;
    case "unknown":
      return `run ${runId} is marked running but records no owner (an older assay): ${partial}`;
    case "interrupted":
      return `run ${runId} was interrupted${liveness.stopReason ? ` (${liveness.stopReason})` : ""}: ${partial}; ${resume}`;
  }
}
