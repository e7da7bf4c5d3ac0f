// What `assay show` reads of a run's review queues: the queues, and their current ratings
// (the latest row of each rater on each item, when it is a rating and not a retraction), gold
// items left out, with the contestant (model, strategy) of every output rated.
import type { Db } from "./db.ts";

/** A review queue of a run, as stored. */
export interface StoredReviewQueue {
  id: number;
  name: string;
  mode: "pointwise" | "pairwise";
  /** The ReviewRubric (JSON). */
  rubric: string;
}

/** The review queues made on run `runId`, oldest first (none on most runs: one look at a small table). */
export function runReviewQueues(db: Db, runId: number): StoredReviewQueue[] {
  return db.prepare("SELECT id, name, mode, rubric FROM review_queues WHERE run_id = ? ORDER BY id").all(runId) as StoredReviewQueue[];
}

// Ratings are append-only: an edit or an undo is a newer row of the same rater on the same item,
// so a rating counts only when it is that pair's newest row (review_ratings_item finds it).
const currentRatings = `
  SELECT r.item_id, r.rater_id, r.score, r.preference, r.swapped
  FROM review_items ri JOIN review_ratings r ON r.item_id = ri.id
  WHERE ri.queue_id = ? AND ri.gold = 0 AND r.kind = 'rating'
    AND r.id = (SELECT MAX(x.id) FROM review_ratings x WHERE x.item_id = r.item_id AND x.rater_id = r.rater_id)`;

/** A (task, model, strategy) of a run, as names and ids. */
export interface ContestantKey {
  task: string;
  taskId: number;
  model: string;
  modelId: number;
  strategy: string;
  strategyId: number;
}

/** One rated output of a pointwise queue: its raters' mean score (on the rubric's scale) and how many rated it. */
export interface RatedOutput extends ContestantKey {
  trialId: number;
  mean: number;
  ratings: number;
}

/** Every rated output of a pointwise queue, by task, model, strategy, then trial (streamed). */
export function pointwiseOutputs(db: Db, queueId: number): IterableIterator<RatedOutput> {
  return db
    .prepare(
      `WITH current AS (${currentRatings})
       SELECT tk.suite || '/' || tk.task AS task, tk.id AS taskId, m.spec AS model, m.id AS modelId,
              st.name AS strategy, st.id AS strategyId, tr.id AS trialId, AVG(c.score) AS mean, COUNT(*) AS ratings
       FROM current c
       JOIN review_items ri ON ri.id = c.item_id JOIN trials tr ON tr.id = ri.trial_a
       JOIN items it ON it.id = tr.item_id JOIN tasks tk ON tk.id = it.task_id
       JOIN models m ON m.id = tr.model_id JOIN strategies st ON st.id = tr.strategy_id
       WHERE c.score IS NOT NULL
       GROUP BY tr.id
       ORDER BY tk.id, m.id, st.id, tr.id`,
    )
    .iterate(queueId) as IterableIterator<RatedOutput>;
}

/** Distinct raters per (task, model, strategy) of a pointwise queue, keyed `taskId/modelId/strategyId`. */
export function pointwiseRaters(db: Db, queueId: number): Map<string, number> {
  const rows = db
    .prepare(
      `WITH current AS (${currentRatings})
       SELECT it.task_id || '/' || tr.model_id || '/' || tr.strategy_id AS key, COUNT(DISTINCT c.rater_id) AS raters
       FROM current c
       JOIN review_items ri ON ri.id = c.item_id JOIN trials tr ON tr.id = ri.trial_a JOIN items it ON it.id = tr.item_id
       WHERE c.score IS NOT NULL
       GROUP BY it.task_id, tr.model_id, tr.strategy_id`,
    )
    .all(queueId) as { key: string; raters: number }[];
  return new Map(rows.map((r) => [r.key, r.raters]));
}

/** One current pairwise rating with both contestants: `a` is output_a's (trial_a's), whichever side was shown first. */
export interface StoredHumanPreference {
  task: string;
  taskId: number;
  itemId: number;
  raterId: number;
  /** As shown: A = the output shown first. */
  preference: "A" | "B" | "tie";
  /** 1 when output_b was shown first (as A). */
  swapped: number;
  modelA: string;
  strategyA: string;
  modelB: string;
  strategyB: string;
}

/** Every current rating of a pairwise queue, by task, queue item, then rater (streamed). */
export function pairwisePreferences(db: Db, queueId: number): IterableIterator<StoredHumanPreference> {
  return db
    .prepare(
      `WITH current AS (${currentRatings})
       SELECT tk.suite || '/' || tk.task AS task, tk.id AS taskId, c.item_id AS itemId, c.rater_id AS raterId,
              c.preference, COALESCE(c.swapped, 0) AS swapped,
              ma.spec AS modelA, sa.name AS strategyA, mb.spec AS modelB, sb.name AS strategyB
       FROM current c
       JOIN review_items ri ON ri.id = c.item_id
       JOIN trials ta ON ta.id = ri.trial_a JOIN trials tb ON tb.id = ri.trial_b
       JOIN items it ON it.id = ta.item_id JOIN tasks tk ON tk.id = it.task_id
       JOIN models ma ON ma.id = ta.model_id JOIN strategies sa ON sa.id = ta.strategy_id
       JOIN models mb ON mb.id = tb.model_id JOIN strategies sb ON sb.id = tb.strategy_id
       WHERE c.preference IS NOT NULL
       ORDER BY tk.id, c.item_id, c.rater_id`,
    )
    .iterate(queueId) as IterableIterator<StoredHumanPreference>;
}
