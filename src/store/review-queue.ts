// SQL for review queues and their items: creating a queue (its items in one write), finding
// queues, and reading the stored trials a queue is made from.
import { prepared } from "./prepared.ts";
import type { Db } from "./db.ts";
import { multiRowInsert } from "./multi-row-insert.ts";

/** A queue row as stored. */
export interface QueueRow {
  id: number;
  name: string;
  run_id: number;
  mode: "pointwise" | "pairwise";
  raters_per_item: number;
  reservation_ms: number;
  rubric: string;
  options: string;
  seed: string;
  items: number;
  rated: number;
  created_at: string;
}

/** A queue item to insert; positions are given by the caller. */
export interface NewReviewItem {
  position: number;
  taskId: number | null;
  itemId: number | null;
  trialA: number | null;
  trialB: number | null;
  input: string;
  reference: string | null;
  outputA: string;
  outputB: string | null;
  gold: boolean;
  goldScore: number | null;
  goldPreference: "A" | "B" | "tie" | null;
  needed: number;
}

/** The queue named `name`. */
export function queueRowByName(db: Db, name: string): QueueRow | undefined {
  return prepared(db, `SELECT * FROM review_queues WHERE name = ?`).get(name) as QueueRow | undefined;
}

/** Every queue, oldest first. */
export function queueRows(db: Db): QueueRow[] {
  return prepared(db, `SELECT * FROM review_queues ORDER BY id`).all() as QueueRow[];
}

const itemColumns = [
  "queue_id",
  "position",
  "task_id",
  "item_id",
  "trial_a",
  "trial_b",
  "input",
  "reference",
  "output_a",
  "output_b",
  "gold",
  "gold_score",
  "gold_preference",
  "needed",
];

/** Insert a queue and its items; call inside the creating transaction (the name was checked free in it). */
export function insertQueue(db: Db, queue: Omit<QueueRow, "id" | "rated">, items: Iterable<NewReviewItem>): number {
  const id = Number(
    db
      .prepare(
        `INSERT INTO review_queues (name, run_id, mode, raters_per_item, reservation_ms, rubric, options, seed, items, created_at)
         VALUES (@name, @run_id, @mode, @raters_per_item, @reservation_ms, @rubric, @options, @seed, @items, @created_at)`,
      )
      .run(queue).lastInsertRowid,
  );
  const insert = multiRowInsert(db, "review_items", itemColumns);
  let batch: unknown[] = [];
  for (const it of items) {
    batch.push(
      id,
      it.position,
      it.taskId,
      it.itemId,
      it.trialA,
      it.trialB,
      it.input,
      it.reference,
      it.outputA,
      it.outputB,
      it.gold ? 1 : 0,
      it.goldScore,
      it.goldPreference,
      it.needed,
    );
    if (batch.length >= 64 * itemColumns.length * 16) {
      insert(batch);
      batch = [];
    }
  }
  if (batch.length) insert(batch);
  return id;
}

/** A done trial with an output, as a queue is made from it. */
export interface SourceTrial {
  trialId: number;
  taskId: number;
  /** `suite/task`. */
  task: string;
  itemId: number;
  itemKey: string;
  /** The dataset row (JSON). */
  fields: string;
  /** The item's rendered targets (JSON array) or null. */
  targets: string | null;
  model: string;
  strategy: string;
  sample: number;
  output: string;
}

/** Which trials of a run: `task` is `suite/task`, a task id or a suite id, as `show --items` takes it. */
export interface SourceFilter {
  task?: string;
  model?: string;
  strategy?: string;
}

/** A run's done trials with an output, filtered, in store order (task, item, strategy, model, sample). */
export function sourceTrials(db: Db, runId: number, filter: SourceFilter): SourceTrial[] {
  return db
    .prepare(
      `SELECT tr.id AS trialId, tk.id AS taskId, tk.suite || '/' || tk.task AS task, it.id AS itemId, it.item_key AS itemKey,
              it.fields, it.targets, m.spec AS model, st.name AS strategy, tr.sample, tr.output
       FROM trials tr
       JOIN items it ON it.id = tr.item_id
       JOIN strategies st ON st.id = tr.strategy_id
       JOIN tasks tk ON tk.id = st.task_id
       JOIN models m ON m.id = tr.model_id
       WHERE tk.run_id = @run AND tr.status = 'done' AND tr.output IS NOT NULL
         AND (@task IS NULL OR tk.suite || '/' || tk.task = @task OR tk.task = @task OR tk.suite = @task)
         AND (@model IS NULL OR m.spec = @model)
         AND (@strategy IS NULL OR st.name = @strategy)
       ORDER BY tk.id, it.id, st.id, m.id, tr.sample`,
    )
    .all({ run: runId, task: filter.task ?? null, model: filter.model ?? null, strategy: filter.strategy ?? null }) as SourceTrial[];
}

/** A run's tasks: id, `suite/task`, stored definition (JSON). */
export function runTaskDefinitions(db: Db, runId: number): { id: number; task: string; definition: string }[] {
  return db.prepare(`SELECT id, suite || '/' || task AS task, definition FROM tasks WHERE run_id = ? ORDER BY id`).all(runId) as {
    id: number;
    task: string;
    definition: string;
  }[];
}

/** A run's model specs and strategy labels, for "did you mean". */
export function runContestantNames(db: Db, runId: number): { models: string[]; strategies: string[]; tasks: string[] } {
  const models = db.prepare(`SELECT spec FROM models WHERE run_id = ? ORDER BY id`).pluck().all(runId) as string[];
  const strategies = db
    .prepare(`SELECT DISTINCT st.name FROM strategies st JOIN tasks tk ON tk.id = st.task_id WHERE tk.run_id = ? ORDER BY st.name`)
    .pluck()
    .all(runId) as string[];
  const tasks = db.prepare(`SELECT suite || '/' || task FROM tasks WHERE run_id = ? ORDER BY id`).pluck().all(runId) as string[];
  return { models, strategies, tasks };
}

/** A stored score of a run's trial with what kind of scorer gave it (judge or not, pass/fail or not). */
export interface SourceScore {
  trialId: number;
  taskId: number;
  scorer: string;
  judge: number;
  binary: number;
  value: number | null;
}

/** Every score of a run's trials (for the disagreement policy). */
export function runScores(db: Db, runId: number): SourceScore[] {
  return db
    .prepare(
      `SELECT s.trial_id AS trialId, sc.task_id AS taskId, sc.name AS scorer,
              json_extract(sc.args, '$.name') = 'judge' AS judge, sc.binary, s.value
       FROM scorers sc JOIN tasks tk ON tk.id = sc.task_id JOIN scores s ON s.scorer_id = sc.id
       WHERE tk.run_id = ?`,
    )
    .all(runId) as SourceScore[];
}

/** A readable judge sample of a run's trial: its score on the rubric's scale and its verdict distribution (JSON) if any. */
export function runJudgeSamples(db: Db, runId: number): { trialId: number; scorer: string; score: number; distribution: string | null }[] {
  return db
    .prepare(
      `SELECT j.trial_id AS trialId, sc.name AS scorer, j.score, j.distribution
       FROM judgments j JOIN scorers sc ON sc.id = j.scorer_id JOIN tasks tk ON tk.id = sc.task_id
       WHERE tk.run_id = ? AND j.score IS NOT NULL
       ORDER BY j.trial_id, sc.id, j.sample`,
    )
    .all(runId) as { trialId: number; scorer: string; score: number; distribution: string | null }[];
}

/** The judge scorers (label and spec JSON) of a run's tasks. */
export function runJudgeSpecs(db: Db, runId: number): { taskId: number; label: string; args: string }[] {
  return db
    .prepare(
      `SELECT sc.task_id AS taskId, sc.name AS label, sc.args FROM scorers sc JOIN tasks tk ON tk.id = sc.task_id
       WHERE tk.run_id = ? AND json_extract(sc.args, '$.name') = 'judge' ORDER BY sc.id`,
    )
    .all(runId) as { taskId: number; label: string; args: string }[];
}
