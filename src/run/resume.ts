// What is left of an interrupted run: its recorded command, checked against what the user
// asks for now; ownership taken over (never from a live process); its error trials cleared
// so they run again; a check for trials already stored.
import { UserError } from "../errors.ts";
import type { Db } from "../store/db.ts";
import { takeOverRun } from "../store/run-owner.ts";
import { deleteErrorTrials, getRun, recordedCommand, trialExistsQuery, type RecordedCommand, type RunRow } from "../store/runs.ts";
import type { StoredTrialCheck } from "./plan.ts";

/** What the user asked of the resumed run (all optional: the recorded values are used). */
export interface ResumeRequest {
  runId: number;
  models?: string[];
  seed?: number;
  limit?: number;
  codeTasks: boolean;
}

/**
 * Load the run to resume and check the request against what it recorded: the same models,
 * the same seed and item limit when given; a run of code-defined tasks needs them again.
 */
export function resumableRun(db: Db, dbPath: string, request: ResumeRequest): { run: RunRow; command: RecordedCommand } {
  const run = getRun(db, request.runId);
  if (!run) throw new UserError(`no run ${request.runId} in ${dbPath}`, { code: "E_RESUME" });
  const command = recordedCommand(run);
  if (!command.suitesDir && !request.codeTasks)
    throw new UserError(`run ${run.id} used tasks declared in code; resume it through runEval({ resume, tasks })`, { code: "E_RESUME" });
  if (request.models?.length && request.models.join("\n") !== command.models.join("\n")) {
    throw new UserError(`run ${run.id} used models ${command.models.join(", ")}; resume it with the same models (or none)`, {
      code: "E_RESUME",
    });
  }
  if (request.seed !== undefined && request.seed !== run.seed) {
    throw new UserError(`run ${run.id} used seed ${run.seed}; --seed ${request.seed} cannot change it (start a new run instead)`, {
      code: "E_RESUME",
    });
  }
  if (request.limit !== undefined && request.limit !== command.limit) {
    throw new UserError(
      `run ${run.id} used ${command.limit === undefined ? "no --limit" : `--limit ${command.limit}`}; --limit ${request.limit} cannot change it`,
      { code: "E_RESUME" },
    );
  }
  return { run, command };
}

/**
 * Take the run over (refused while its owner is alive), clear its error trials, and return
 * the stored-trial check.
 */
export function reopenRun(db: Db, runId: number): StoredTrialCheck {
  takeOverRun(db, runId);
  deleteErrorTrials(db, runId);
  return trialExistsQuery(db);
}
