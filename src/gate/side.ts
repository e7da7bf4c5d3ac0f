// One side of the gate (baseline or candidate) as plain data: per cell, each item's value or
// corpus statistics, and the hash of each task's definition. Read from a stored run here, or
// from a baseline file (gate/baseline-file.ts).
import { createHash } from "node:crypto";
import { UserError } from "../errors.ts";
import { itemFields, taskHashes } from "../store/baseline.ts";
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
  /** `suite/task` -> item key -> `itemHash` of its dataset row: an item whose data changed is not the same item. */
  items: Map<string, Map<string, string>>;
  cells: GateCell[];
}

/** A short hash of an item's dataset row (JSON text): 16 hex digits of its sha256, enough to tell edited rows apart. */
export function itemHash(fields: string): string {
  return createHash("sha256").update(fields).digest("hex").slice(0, 16);
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
  const items = new Map<string, Map<string, string>>();
  for (const row of itemFields(db, run)) {
    const task = items.get(row.task) ?? new Map<string, string>();
    task.set(row.itemKey, itemHash(row.fields));
    items.set(row.task, task);
  }
  return { label: `run ${run}`, run, tasks: new Map(taskHashes(db, run).map((t) => [t.task, t.sha256])), items, cells };
}
