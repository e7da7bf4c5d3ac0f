// Pairwise judgments: the contestants' outputs of a task's items (to judge), which pairs are
// already judged (resume judges only what is missing or failed), writing them, and reading
// them back for a summary.
import type { Db } from "./db.ts";
import { judgeCallColumns, judgeCallValues, type JudgmentRecord } from "./judgments.ts";

/** One contestant's trial of an item: sample 0 of a (model, strategy), done. */
export interface ContestantTrial {
  trialId: number;
  itemId: number;
  itemKey: string;
  fields: string;
  targets: string | null;
  modelId: number;
  strategyId: number;
  output: string;
  answer: string | null;
}

/** The done sample-0 trials of the task's next `limit` items after item id `after`, by item then contestant. */
export function contestantTrials(db: Db, taskId: number, after: number, limit: number): ContestantTrial[] {
  return db
    .prepare(
      `WITH next AS (SELECT id FROM items WHERE task_id = ? AND id > ? ORDER BY id LIMIT ?)
       SELECT tr.id AS trialId, it.id AS itemId, it.item_key AS itemKey, it.fields, it.targets,
              tr.model_id AS modelId, tr.strategy_id AS strategyId, tr.output, tr.answer
       FROM next JOIN items it ON it.id = next.id JOIN trials tr ON tr.item_id = it.id
       WHERE tr.sample = 0 AND tr.status = 'done' AND tr.output IS NOT NULL
       ORDER BY it.id, tr.model_id, tr.strategy_id`,
    )
    .all(taskId, after, limit) as ContestantTrial[];
}

/** Ordered pairs `a/b` (trial ids) whose judgments are all stored and none failed. */
export function judgedPairs(db: Db, scorerId: number, samples: number): Set<string> {
  const rows = db
    .prepare(
      `SELECT trial_a || '/' || trial_b FROM pair_judgments WHERE scorer_id = ?
       GROUP BY trial_a, trial_b HAVING COUNT(*) = ? AND SUM(status = 'error') = 0`,
    )
    .pluck()
    .all(scorerId, samples) as string[];
  return new Set(rows);
}

/** Write pairwise judgments (replacing failed ones being judged again) in one transaction. */
export function pairJudgmentWriter(
  db: Db,
): (rows: { scorerId: number; trialA: number; trialB: number; judgment: JudgmentRecord }[]) => void {
  const columns = ["scorer_id", "trial_a", "trial_b", ...judgeCallColumns];
  const insert = db.prepare(`INSERT OR REPLACE INTO pair_judgments (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`);
  return db.transaction((rows: { scorerId: number; trialA: number; trialB: number; judgment: JudgmentRecord }[]) => {
    for (const { scorerId, trialA, trialB, judgment } of rows) insert.run(scorerId, trialA, trialB, ...judgeCallValues(judgment));
  }).immediate;
}

/** A stored pairwise verdict with its two contestants. */
export interface StoredPairVerdict {
  scorerId: number;
  label: string;
  task: string;
  swap: number;
  itemId: number;
  /** The item's fields (JSON). */
  fields: string;
  sample: number;
  verdict: "A" | "B" | "tie" | null;
  trialA: number;
  trialB: number;
  modelA: string;
  strategyA: string;
  modelB: string;
  strategyB: string;
}

/** Every pairwise verdict of a run, by judge and item. */
export function runPairVerdicts(db: Db, runId: number): StoredPairVerdict[] {
  return db
    .prepare(
      `SELECT pj.scorer_id AS scorerId, sc.name AS label, tk.suite || '/' || tk.task AS task,
              COALESCE(json_extract(sc.args, '$.swap'), 1) AS swap, ta.item_id AS itemId, it.fields, pj.sample, pj.verdict,
              pj.trial_a AS trialA, pj.trial_b AS trialB,
              ma.spec AS modelA, sa.name AS strategyA, mb.spec AS modelB, sb.name AS strategyB
       FROM pair_judgments pj
       JOIN scorers sc ON sc.id = pj.scorer_id JOIN tasks tk ON tk.id = sc.task_id
       JOIN trials ta ON ta.id = pj.trial_a JOIN trials tb ON tb.id = pj.trial_b JOIN items it ON it.id = ta.item_id
       JOIN models ma ON ma.id = ta.model_id JOIN strategies sa ON sa.id = ta.strategy_id
       JOIN models mb ON mb.id = tb.model_id JOIN strategies sb ON sb.id = tb.strategy_id
       WHERE tk.run_id = ?
       ORDER BY pj.scorer_id, ta.item_id, pj.sample, ta.model_id, ta.strategy_id, tb.model_id, tb.strategy_id`,
    )
    .all(runId) as StoredPairVerdict[];
}
