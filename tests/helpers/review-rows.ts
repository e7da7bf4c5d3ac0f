// Review queues and ratings written with plain SQL into a real stored run, following
// src/store/migrations/005-review.sql, for tests that read human ratings back.
import { join } from "node:path";
import { runEval } from "../../src/run/run-eval.ts";
import { openStore, type Db } from "../../src/store/db.ts";
import { additionTask, arithmeticProvider } from "../run/fixtures/counting-provider.ts";

/** A stored run of the addition task (items i0..i{n-1}) by models test:x and test:y, zero-shot and chain-of-thought. */
export async function reviewedRun(
  dir: string,
  n = 4,
): Promise<{ path: string; db: Db; runId: number; trial(item: string, model: string, strategy: string): number }> {
  const result = await runEval({
    db: join(dir, "assay.db"),
    tasks: [additionTask(n, ["zero-shot", "chain-of-thought"])],
    models: [arithmeticProvider({ id: "test:x" }), arithmeticProvider({ id: "test:y" })],
  });
  const db = openStore(result.db);
  const find = db.prepare(
    `SELECT tr.id FROM trials tr JOIN items it ON it.id = tr.item_id JOIN models m ON m.id = tr.model_id
     JOIN strategies st ON st.id = tr.strategy_id WHERE it.item_key = ? AND m.spec = ? AND st.name = ? AND tr.sample = 0`,
  );
  const trial = (item: string, model: string, strategy: string) => {
    const id = find.pluck().get(item, model, strategy) as number | undefined;
    if (id === undefined) throw new Error(`no trial ${item} ${model} ${strategy}`);
    return id;
  };
  return { path: result.db, db, runId: result.runId, trial };
}

/** A rater (the token hash is any unique text here: nothing signs in). */
export function addRater(db: Db, name: string): number {
  return Number(
    db.prepare("INSERT INTO review_raters (name, token_sha256, created_at) VALUES (?, ?, '2026-01-01T00:00:00Z')").run(name, `sha-${name}`)
      .lastInsertRowid,
  );
}

/** A queue on run `runId`; a pointwise rubric's points have the given scores. */
export function addQueue(db: Db, runId: number, name: string, mode: "pointwise" | "pairwise", scores: number[] = []): number {
  const rubric = {
    name: mode === "pointwise" ? "helpfulness" : "preference",
    title: "Rate",
    guidelines: "",
    points: scores.map((score, i) => ({ key: String(i + 1), score, label: `point ${score}` })),
  };
  return Number(
    db
      .prepare(
        `INSERT INTO review_queues (name, run_id, mode, raters_per_item, reservation_ms, rubric, options, seed, items, created_at)
         VALUES (?, ?, ?, 3, 600000, ?, '{}', 's', 0, '2026-01-01T00:00:00Z')`,
      )
      .run(name, runId, mode, JSON.stringify(rubric)).lastInsertRowid,
  );
}

/** A queue item over trial `trialA` (and `trialB`, pairwise); a gold item has a known rating. */
export function addItem(db: Db, queueId: number, trialA: number, options: { trialB?: number; gold?: boolean } = {}): number {
  const position = db.prepare("SELECT COALESCE(MAX(position), -1) + 1 FROM review_items WHERE queue_id = ?").pluck().get(queueId);
  const { item_id, task_id } = db
    .prepare("SELECT tr.item_id, it.task_id FROM trials tr JOIN items it ON it.id = tr.item_id WHERE tr.id = ?")
    .get(trialA) as { item_id: number; task_id: number };
  return Number(
    db
      .prepare(
        `INSERT INTO review_items (queue_id, position, task_id, item_id, trial_a, trial_b, input, output_a, output_b, gold, gold_score, needed)
         VALUES (?, ?, ?, ?, ?, ?, 'input', 'output a', ?, ?, ?, 3)`,
      )
      .run(
        queueId,
        position,
        task_id,
        item_id,
        trialA,
        options.trialB ?? null,
        options.trialB === undefined ? null : "output b",
        options.gold ? 1 : 0,
        options.gold ? 5 : null,
      ).lastInsertRowid,
  );
}

/**
 * Append a rating row (or a retraction) of `rater` on `item`; it supersedes that rater's newest
 * row on the item, as an edit or an undo does. Pairwise: `swapped` = output_b was shown first.
 */
export function rate(
  db: Db,
  item: number,
  rater: number,
  rating: { score?: number; preference?: "A" | "B" | "tie"; swapped?: boolean; retraction?: boolean },
): number {
  const previous = db.prepare("SELECT MAX(id) FROM review_ratings WHERE item_id = ? AND rater_id = ?").pluck().get(item, rater) as
    | number
    | null;
  const pair = db.prepare("SELECT trial_a, trial_b FROM review_items WHERE id = ?").get(item) as {
    trial_a: number;
    trial_b: number | null;
  };
  const pairwise = pair.trial_b !== null;
  return Number(
    db
      .prepare(
        `INSERT INTO review_ratings (item_id, rater_id, kind, score, preference, first_trial, swapped, comment, ms_on_page, created_at, supersedes)
         VALUES (?, ?, ?, ?, ?, ?, ?, NULL, 1000, '2026-01-02T00:00:00Z', ?)`,
      )
      .run(
        item,
        rater,
        rating.retraction ? "retraction" : "rating",
        rating.score ?? null,
        rating.preference ?? null,
        pairwise ? (rating.swapped ? pair.trial_b : pair.trial_a) : null,
        pairwise ? (rating.swapped ? 1 : 0) : null,
        previous,
      ).lastInsertRowid,
  );
}
