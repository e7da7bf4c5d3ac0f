// SQL for reading a queue's ratings back: current ratings (or every row) with what was rated
// and by whom, claim counts per rater, item completion, and the judges' scores of its outputs.
import type { Db } from "./db.ts";

/** A rating row with its item, rater and the contestants behind it. */
export interface RatingRecord {
  id: number;
  kind: "rating" | "retraction";
  supersedes: number | null;
  itemId: number;
  raterId: number;
  rater: string;
  score: number | null;
  preference: "A" | "B" | "tie" | null;
  swapped: number | null;
  comment: string | null;
  msOnPage: number | null;
  createdAt: string;
  gold: number;
  goldScore: number | null;
  goldPreference: "A" | "B" | "tie" | null;
  task: string | null;
  item: string | null;
  trialA: number | null;
  modelA: string | null;
  strategyA: string | null;
  trialB: number | null;
  modelB: string | null;
  strategyB: string | null;
}

const recordSelect = `SELECT r.id, r.kind, r.supersedes, r.item_id AS itemId, r.rater_id AS raterId, rr.name AS rater, r.score, r.preference,
    r.swapped, r.comment, r.ms_on_page AS msOnPage, r.created_at AS createdAt, i.gold, i.gold_score AS goldScore,
    i.gold_preference AS goldPreference, tk.suite || '/' || tk.task AS task, it.item_key AS item,
    i.trial_a AS trialA, ma.spec AS modelA, sa.name AS strategyA, i.trial_b AS trialB, mb.spec AS modelB, sb.name AS strategyB
  FROM review_ratings r
  JOIN review_items i ON i.id = r.item_id
  JOIN review_raters rr ON rr.id = r.rater_id
  LEFT JOIN tasks tk ON tk.id = i.task_id
  LEFT JOIN items it ON it.id = i.item_id
  LEFT JOIN trials ta ON ta.id = i.trial_a LEFT JOIN models ma ON ma.id = ta.model_id LEFT JOIN strategies sa ON sa.id = ta.strategy_id
  LEFT JOIN trials tb ON tb.id = i.trial_b LEFT JOIN models mb ON mb.id = tb.model_id LEFT JOIN strategies sb ON sb.id = tb.strategy_id`;

/** A queue's current ratings (the latest row of an (item, rater) when it is a rating), streamed in item position order. */
export function currentRatings(db: Db, queueId: number): IterableIterator<RatingRecord> {
  return db
    .prepare(
      `${recordSelect}
       WHERE i.queue_id = ? AND r.kind = 'rating'
         AND NOT EXISTS (SELECT 1 FROM review_ratings y WHERE y.item_id = r.item_id AND y.rater_id = r.rater_id AND y.id > r.id)
       ORDER BY i.position, r.id`,
    )
    .iterate(queueId) as IterableIterator<RatingRecord>;
}

/** Every rating row of a queue (ratings and retractions), in the order they were written. */
export function allRatings(db: Db, queueId: number): IterableIterator<RatingRecord> {
  return db.prepare(`${recordSelect} WHERE i.queue_id = ? ORDER BY r.id`).iterate(queueId) as IterableIterator<RatingRecord>;
}

/** Per rater who ever claimed an item of the queue: skips, and reservations live at `now`. */
export function claimCounts(db: Db, queueId: number, now: number): { raterId: number; rater: string; skipped: number; reserved: number }[] {
  return db
    .prepare(
      `SELECT c.rater_id AS raterId, rr.name AS rater,
              SUM(c.state = 'skipped') AS skipped, SUM(c.state = 'reserved' AND c.expires_at >= ?) AS reserved
       FROM review_claims c JOIN review_items i ON i.id = c.item_id JOIN review_raters rr ON rr.id = c.rater_id
       WHERE i.queue_id = ? GROUP BY c.rater_id ORDER BY rr.name`,
    )
    .all(now, queueId) as { raterId: number; rater: string; skipped: number; reserved: number }[];
}

/** Items that are not gold, by their count of current ratings: complete (K or more), partial, untouched. */
export function itemCompletion(db: Db, queueId: number): { complete: number; partial: number; untouched: number } {
  return db
    .prepare(
      `SELECT COALESCE(SUM(n >= needed), 0) AS complete, COALESCE(SUM(n > 0 AND n < needed), 0) AS partial, COALESCE(SUM(n = 0), 0) AS untouched
       FROM (SELECT i.needed, (SELECT COUNT(*) FROM review_ratings r
                               WHERE r.item_id = i.id AND r.kind = 'rating'
                                 AND NOT EXISTS (SELECT 1 FROM review_ratings y WHERE y.item_id = r.item_id AND y.rater_id = r.rater_id AND y.id > r.id)) AS n
             FROM review_items i WHERE i.queue_id = ? AND i.gold = 0)`,
    )
    .get(queueId) as { complete: number; partial: number; untouched: number };
}

/** Every judge scorer's stored value (normalised to [0, 1]; null unscored) on the queue's pointwise outputs. */
export function queueJudgeScores(db: Db, queueId: number): { label: string; args: string; trialId: number; value: number | null }[] {
  return db
    .prepare(
      `SELECT sc.name AS label, sc.args, s.trial_id AS trialId, s.value
       FROM review_items i JOIN scores s ON s.trial_id = i.trial_a JOIN scorers sc ON sc.id = s.scorer_id
       WHERE i.queue_id = ? AND i.gold = 0 AND i.trial_b IS NULL AND json_extract(sc.args, '$.name') = 'judge'
       ORDER BY sc.name, s.trial_id`,
    )
    .all(queueId) as { label: string; args: string; trialId: number; value: number | null }[];
}
