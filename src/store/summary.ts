// Aggregates a run's scores in SQL: per task x model x strategy x scorer, the item-level
// sums a summary needs (samples of one item are averaged first, so repeats never inflate n).
import type { Db } from "./db.ts";

export interface ScoreAggregateRow {
  taskId: number;
  suite: string;
  task: string;
  model: string;
  modelId: number;
  strategy: string;
  strategyId: number;
  scorer: string;
  scorerId: number;
  binary: number;
  corpus: number;
  /** The scorer's stored spec (JSON `{name, args}`), to rebuild it (report/stored-scorer.ts). */
  args: string;
  /** Items with a score (unscored values excluded). */
  n: number;
  sum: number | null;
  sumSquares: number | null;
  /** Items whose samples were all 0 or 1 and averaged to exactly 1 (pass count for binary scorers). */
  passes: number;
  /** Items with more than one scored sample. */
  repeated: number;
  unscored: number;
}

export interface TrialCountRow {
  /** `suite/task`, the model spec and the strategy label. */
  task: string;
  model: string;
  strategy: string;
  taskId: number;
  modelId: number;
  strategyId: number;
  trials: number;
  errors: number;
  noAnswer: number;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
  latencyMs: number | null;
}

/** Per-item score sums for every (task, model, strategy, scorer) of a run. */
export function scoreAggregates(db: Db, runId: number): ScoreAggregateRow[] {
  return db
    .prepare(
      `WITH per_item AS (
         SELECT tr.item_id, tr.model_id, tr.strategy_id, s.scorer_id,
                AVG(s.value) AS v, COUNT(s.value) AS k, SUM(s.value IS NULL) AS unscored
         FROM scores s
         JOIN trials tr ON tr.id = s.trial_id
         JOIN models m ON m.id = tr.model_id
         WHERE m.run_id = ?
         GROUP BY tr.item_id, tr.model_id, tr.strategy_id, s.scorer_id
       )
       SELECT tk.id AS taskId, tk.suite, tk.task, m.spec AS model, m.id AS modelId, st.name AS strategy, st.id AS strategyId,
              sc.name AS scorer, sc.id AS scorerId, sc.binary, sc.corpus, sc.args,
              COUNT(p.v) AS n, SUM(p.v) AS sum, SUM(p.v * p.v) AS sumSquares,
              SUM(p.v = 1) AS passes, SUM(p.k > 1) AS repeated, SUM(p.unscored) AS unscored
       FROM per_item p
       JOIN scorers sc ON sc.id = p.scorer_id
       JOIN strategies st ON st.id = p.strategy_id
       JOIN tasks tk ON tk.id = st.task_id
       JOIN models m ON m.id = p.model_id
       GROUP BY tk.id, m.id, st.id, sc.id
       ORDER BY tk.id, m.id, st.id, sc.id`,
    )
    .all(runId) as ScoreAggregateRow[];
}

/** Trial, error and no-answer counts, tokens, cost and latency per (task, model, strategy). */
export function trialCounts(db: Db, runId: number): TrialCountRow[] {
  return db
    .prepare(
      `SELECT tk.suite || '/' || tk.task AS task, m.spec AS model, st.name AS strategy,
              st.task_id AS taskId, tr.model_id AS modelId, tr.strategy_id AS strategyId,
              COUNT(*) AS trials, SUM(tr.status = 'error') AS errors,
              SUM(tr.status = 'done' AND tr.answer IS NULL AND tr.output IS NOT NULL) AS noAnswer,
              SUM(tr.input_tokens) AS inputTokens, SUM(tr.output_tokens) AS outputTokens,
              SUM(tr.cost_usd) AS costUsd, AVG(tr.latency_ms) AS latencyMs
       FROM trials tr
       JOIN strategies st ON st.id = tr.strategy_id
       JOIN tasks tk ON tk.id = st.task_id
       JOIN models m ON m.id = tr.model_id
       WHERE m.run_id = ?
       GROUP BY st.task_id, tr.model_id, tr.strategy_id`,
    )
    .all(runId) as TrialCountRow[];
}

/** Per-item mean scores (and scored-sample counts) of one (model, strategy, scorer): for clustered errors, pass@k and paired comparisons. */
export function itemScores(
  db: Db,
  modelId: number,
  strategyId: number,
  scorerId: number,
): { itemKey: string; cluster: string | null; value: number; samples: number }[] {
  return db
    .prepare(
      `SELECT it.item_key AS itemKey, it.cluster, AVG(s.value) AS value, COUNT(s.value) AS samples
       FROM scores s JOIN trials tr ON tr.id = s.trial_id JOIN items it ON it.id = tr.item_id
       WHERE tr.model_id = ? AND tr.strategy_id = ? AND s.scorer_id = ? AND s.value IS NOT NULL
       GROUP BY it.id ORDER BY it.id`,
    )
    .all(modelId, strategyId, scorerId) as { itemKey: string; cluster: string | null; value: number; samples: number }[];
}

export interface RunCell {
  task: string;
  model: string;
  strategy: string;
  scorer: string;
  modelId: number;
  strategyId: number;
  scorerId: number;
  binary: number;
  corpus: number;
  args: string;
}

/** Every (task, model, strategy, scorer) of a run, with ids, for paired comparisons. */
export function runCells(db: Db, runId: number): RunCell[] {
  return db
    .prepare(
      `SELECT tk.suite || '/' || tk.task AS task, m.spec AS model, st.name AS strategy, sc.name AS scorer,
              m.id AS modelId, st.id AS strategyId, sc.id AS scorerId, sc.binary, sc.corpus, sc.args
       FROM tasks tk JOIN strategies st ON st.task_id = tk.id JOIN scorers sc ON sc.task_id = tk.id JOIN models m ON m.run_id = tk.run_id
       WHERE tk.run_id = ? ORDER BY tk.id, m.id, st.id, sc.id`,
    )
    .all(runId) as RunCell[];
}

/** Per-item corpus statistics (summed over an item's samples) of one cell, keyed by item key, in item order. */
export function itemCorpusStats(db: Db, modelId: number, strategyId: number, scorerId: number): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const rows = db
    .prepare(
      `SELECT it.item_key AS itemKey, s.stats FROM scores s JOIN trials tr ON tr.id = s.trial_id JOIN items it ON it.id = tr.item_id
       WHERE tr.model_id = ? AND tr.strategy_id = ? AND s.scorer_id = ? AND s.stats IS NOT NULL ORDER BY tr.item_id`,
    )
    .iterate(modelId, strategyId, scorerId) as Iterable<{ itemKey: string; stats: string }>;
  for (const row of rows) {
    const stats = JSON.parse(row.stats) as number[];
    const sum = out.get(row.itemKey);
    if (sum) for (let i = 0; i < sum.length; i++) sum[i] += stats[i];
    else out.set(row.itemKey, stats);
  }
  return out;
}

/** A run's task definitions (as recorded at the start of the run) by task id. */
export function taskDefinitions(db: Db, runId: number): Map<number, { clusterField?: string; passAt?: number[] }> {
  const rows = db.prepare("SELECT id, definition FROM tasks WHERE run_id = ?").all(runId) as { id: number; definition: string }[];
  return new Map(rows.map((r) => [r.id, JSON.parse(r.definition)]));
}
