// One side of the gate (baseline or candidate) as plain data: per cell, each item's value or
// corpus statistics, and the hash of each task's definition. Read from a stored run here, or
// from a baseline file (gate/baseline-file.ts).
import { UserError } from "../errors.ts";
import { taskHashes } from "../store/baseline.ts";
import type { Db } from "../store/db.ts";
import { getRun } from "../store/runs.ts";
import { itemCorpusStats, itemScores, runCells } from "../store/summary.ts";

/** One (task, model, strategy, metric) of a side with its per-item outcomes, in item order. */
export interface GateCell {
  task: string;
  model: string;
  strategy: string;
  metric: string;
  /** The scorer's stored spec (JSON `{name, args}`), to rebuild a corpus metric's aggregate. */
  scorer: string;
  corpus: boolean;
  /** Per item key: the mean score over its samples (corpus: absent). */
  values: Map<string, number>;
  /** Per item key: the summed corpus statistics (corpus metrics only). */
  stats: Map<string, number[]>;
}

/** A whole side: where it came from, its tasks' definition hashes and its cells. */
export interface GateSide {
  /** As messages name it: `run 3`, `baseline.jsonl (run 3)`. */
  label: string;
  run: number;
  /** `suite/task` -> sha256 of the task's validated definition. */
  tasks: Map<string, string>;
  cells: GateCell[];
}

/** Read a stored run's per-item outcomes. */
export function runSide(db: Db, run: number): GateSide {
  if (!getRun(db, run)) throw new UserError(`no run ${run}`, { code: "E_GATE" });
  const cells = runCells(db, run).map((c) => ({
    task: c.task,
    model: c.model,
    strategy: c.strategy,
    metric: c.scorer,
    scorer: c.args,
    corpus: Boolean(c.corpus),
    values: c.corpus
      ? new Map<string, number>()
      : new Map(itemScores(db, c.modelId, c.strategyId, c.scorerId).map((r) => [r.itemKey, r.value])),
    stats: c.corpus ? itemCorpusStats(db, c.modelId, c.strategyId, c.scorerId) : new Map<string, number[]>(),
  }));
  return { label: `run ${run}`, run, tasks: new Map(taskHashes(db, run).map((t) => [t.task, t.sha256])), cells };
}
