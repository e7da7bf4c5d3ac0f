// Queries only `assay compare` needs (the rest of its data comes from store/summary.ts).
import type { Db } from "./db.ts";

/** Scores of one (model, strategy, scorer) that could not be computed (value NULL), as the summary counts them. */
export function unscoredCount(db: Db, modelId: number, strategyId: number, scorerId: number): number {
  return db
    .prepare(
      `SELECT COUNT(*) FROM scores s JOIN trials tr ON tr.id = s.trial_id
       WHERE tr.model_id = ? AND tr.strategy_id = ? AND s.scorer_id = ? AND s.value IS NULL`,
    )
    .pluck()
    .get(modelId, strategyId, scorerId) as number;
}
