// `assay review export`: one record per current rating (or every row, retractions included),
// naming what was rated: the output's task, item, model and strategy, or for pairwise the two
// contestants in the order this rater saw them.
import { UserError } from "../../errors.ts";
import type { Db } from "../../store/db.ts";
import { allRatings, currentRatings, type RatingRecord } from "../../store/review-status.ts";
import { queueByName } from "./queue.ts";

export interface ExportedRating {
  queue: string;
  task: string | null;
  item: string | null;
  /** Pointwise: the output's model and strategy (null for a gold item written out in the gold file). */
  model?: string | null;
  strategy?: string | null;
  rater: string;
  score?: number | null;
  /** Pairwise, as shown: A = the side shown first to this rater, named in `a`. */
  preference?: "A" | "B" | "tie" | null;
  a?: { model: string | null; strategy: string | null };
  b?: { model: string | null; strategy: string | null };
  comment: string | null;
  ms_on_page: number | null;
  created_at: string;
  gold: boolean;
  /** With `all`: the row's id, its kind and the row it supersedes. */
  id?: number;
  kind?: "rating" | "retraction";
  supersedes?: number | null;
}

/** The records of queue `name`, streamed. `all`: every row in write order, with kind and supersedes. */
export function* exportRatings(db: Db, name: string, options: { all?: boolean } = {}): Generator<ExportedRating> {
  const queue = queueByName(db, name);
  if (!queue) throw new UserError(`no review queue "${name}"`, { code: "E_QUEUE" });
  const rows = options.all ? allRatings(db, queue.id) : currentRatings(db, queue.id);
  for (const r of rows) yield record(queue.name, queue.mode === "pairwise", r, options.all ?? false);
}

function record(queue: string, pairwise: boolean, r: RatingRecord, all: boolean): ExportedRating {
  const common = { comment: r.comment, ms_on_page: r.msOnPage, created_at: r.createdAt, gold: r.gold === 1 };
  const history = all ? { id: r.id, kind: r.kind, supersedes: r.supersedes } : {};
  if (!pairwise)
    return {
      queue,
      task: r.task,
      item: r.item,
      model: r.modelA,
      strategy: r.strategyA,
      rater: r.rater,
      score: r.score,
      ...common,
      ...history,
    };
  const stored = [
    { model: r.modelA, strategy: r.strategyA },
    { model: r.modelB, strategy: r.strategyB },
  ];
  // A retraction stores no sides: it names the pair as stored.
  const [a, b] = r.swapped ? [stored[1], stored[0]] : stored;
  return { queue, task: r.task, item: r.item, rater: r.rater, preference: r.preference, a, b, ...common, ...history };
}
