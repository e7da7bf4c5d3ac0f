// Queries only the HTML report needs: a run's provenance (suites with versions, models,
// strategies with their kinds).
import { type Db, schemaVersion } from "./db.ts";

/** What produced a run's numbers, beyond its runs row. */
export interface RunProvenanceRows {
  suites: { suite: string; version: string; sha256: string }[];
  models: string[];
  strategies: { name: string; kind: string }[];
}

/** A run's suites (name, version, file hash), models and strategies (label and kind), in recorded order. */
export function runProvenanceRows(db: Db, runId: number): RunProvenanceRows {
  return {
    suites: db
      .prepare("SELECT suite, version, sha256 FROM run_suites WHERE run_id = ? ORDER BY suite")
      .all(runId) as RunProvenanceRows["suites"],
    models: db.prepare("SELECT spec FROM models WHERE run_id = ? ORDER BY id").pluck().all(runId) as string[],
    strategies: db
      .prepare(
        `SELECT st.name, MIN(st.kind) AS kind FROM strategies st JOIN tasks tk ON tk.id = st.task_id
         WHERE tk.run_id = ? GROUP BY st.name ORDER BY MIN(st.id)`,
      )
      .all(runId) as RunProvenanceRows["strategies"],
  };
}

/** One rater's current rating of a trial's output, as the drill-down shows it. */
export interface TrialHumanRating {
  trialId: number;
  queue: string;
  rater: string;
  /** Pointwise: the score on the rubric's scale. */
  score: number | null;
  /** Pairwise: whether this trial's output was preferred over the other one shown with it. */
  preference: "preferred" | "other preferred" | "tie" | null;
  comment: string | null;
}

/**
 * Every current rating (a rater's newest row on an item, when it is a rating and not a
 * retraction; gold items left out, as store/human-summary.ts counts them) of run `runId`'s
 * trials. Empty before schema 5 (no review tables).
 */
export function trialHumanRatings(db: Db, runId: number): TrialHumanRating[] {
  if (schemaVersion(db) < 5) return [];
  const rows = db
    .prepare(
      `SELECT q.name AS queue, rr.name AS rater, ri.trial_a AS a, ri.trial_b AS b, r.score, r.preference, r.swapped, r.comment
       FROM review_queues q JOIN review_items ri ON ri.queue_id = q.id JOIN review_ratings r ON r.item_id = ri.id
       JOIN review_raters rr ON rr.id = r.rater_id
       WHERE q.run_id = ? AND ri.gold = 0 AND r.kind = 'rating'
         AND r.id = (SELECT MAX(x.id) FROM review_ratings x WHERE x.item_id = r.item_id AND x.rater_id = r.rater_id)
       ORDER BY q.id, ri.id, rr.name`,
    )
    .all(runId) as {
    queue: string;
    rater: string;
    a: number;
    b: number | null;
    score: number | null;
    preference: string | null;
    swapped: number | null;
    comment: string | null;
  }[];
  const out: TrialHumanRating[] = [];
  for (const r of rows) {
    if (r.b === null) {
      out.push({ trialId: r.a, queue: r.queue, rater: r.rater, score: r.score, preference: null, comment: r.comment });
      continue;
    }
    // The preference is stored as shown: A is the side shown first, output_b when swapped.
    const winner = r.preference === "tie" ? null : (r.preference === "A") !== (r.swapped === 1) ? r.a : r.b;
    for (const trialId of [r.a, r.b])
      out.push({
        trialId,
        queue: r.queue,
        rater: r.rater,
        score: null,
        preference: winner === null ? "tie" : winner === trialId ? "preferred" : "other preferred",
        comment: r.comment,
      });
  }
  return out;
}

/** Each (task, model, strategy) of a run with its trials' median latency (ms; trials without one left out). */
export function medianLatencies(db: Db, runId: number): { task: string; model: string; strategy: string; latencyMs: number }[] {
  const rows = db
    .prepare(
      `SELECT tk.suite || '/' || tk.task AS task, m.spec AS model, st.name AS strategy, tr.latency_ms AS latency
       FROM trials tr JOIN items i ON i.id = tr.item_id JOIN tasks tk ON tk.id = i.task_id
       JOIN models m ON m.id = tr.model_id JOIN strategies st ON st.id = tr.strategy_id
       WHERE tk.run_id = ? AND tr.latency_ms IS NOT NULL
       ORDER BY tk.id, m.id, st.id, tr.latency_ms`,
    )
    .raw()
    .iterate(runId) as IterableIterator<[string, string, string, number]>;
  const out: { task: string; model: string; strategy: string; latencyMs: number }[] = [];
  let group: [string, string, string] | undefined;
  let values: number[] = [];
  const finish = () => {
    if (!group || values.length === 0) return;
    const mid = values.length >> 1;
    // The median of the sorted values: the middle one, or the mean of the two middle ones.
    const latencyMs = values.length % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    out.push({ task: group[0], model: group[1], strategy: group[2], latencyMs });
  };
  for (const [task, model, strategy, latency] of rows) {
    if (!group || group[0] !== task || group[1] !== model || group[2] !== strategy) {
      finish();
      group = [task, model, strategy];
      values = [];
    }
    values.push(latency);
  }
  finish();
  return out;
}
