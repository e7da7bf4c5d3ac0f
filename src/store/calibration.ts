// Queries `assay calibrate` needs: a run's task, model and strategy names (to resolve a labels
// file), the scorers stored under a label, and every sample's stored value of one of them.
import type { Db } from "./db.ts";

/** A task of a run with its strategy labels. */
export interface RunTaskNames {
  taskId: number;
  /** `suite/task`. */
  task: string;
  strategies: string[];
}

/** The names a labels file may use for a run: its tasks (with their strategies) and model specs. */
export function runNames(db: Db, runId: number): { tasks: RunTaskNames[]; models: string[] } {
  const rows = db
    .prepare(
      `SELECT tk.id AS taskId, tk.suite || '/' || tk.task AS task, st.name AS strategy
       FROM tasks tk LEFT JOIN strategies st ON st.task_id = tk.id WHERE tk.run_id = ? ORDER BY tk.id, st.id`,
    )
    .all(runId) as { taskId: number; task: string; strategy: string | null }[];
  const tasks = new Map<number, RunTaskNames>();
  for (const row of rows) {
    let task = tasks.get(row.taskId);
    if (!task) {
      task = { taskId: row.taskId, task: row.task, strategies: [] };
      tasks.set(row.taskId, task);
    }
    if (row.strategy !== null) task.strategies.push(row.strategy);
  }
  const models = db.prepare(`SELECT spec FROM models WHERE run_id = ? ORDER BY id`).pluck().all(runId) as string[];
  return { tasks: [...tasks.values()], models };
}

/** A scorer of one task of a run, as stored: its spec (JSON `{name, args, label?}`) and whether it is pass/fail. */
export interface StoredScorer {
  taskId: number;
  task: string;
  scorerId: number;
  args: string;
  binary: number;
}

/** The scorers a run stored under `label` (the name results show), one per task that has it. */
export function scorersNamed(db: Db, runId: number, label: string): StoredScorer[] {
  return db
    .prepare(
      `SELECT tk.id AS taskId, tk.suite || '/' || tk.task AS task, sc.id AS scorerId, sc.args, sc.binary
       FROM scorers sc JOIN tasks tk ON tk.id = sc.task_id WHERE tk.run_id = ? AND sc.name = ? ORDER BY tk.id`,
    )
    .all(runId, label) as StoredScorer[];
}

/** Every scorer label of a run (for "did you mean"). */
export function scorerNames(db: Db, runId: number): string[] {
  return db
    .prepare(`SELECT DISTINCT sc.name FROM scorers sc JOIN tasks tk ON tk.id = sc.task_id WHERE tk.run_id = ? ORDER BY sc.name`)
    .pluck()
    .all(runId) as string[];
}

/** One trial's stored value for a scorer; null when unscored or when the trial has no score (it failed). */
export interface ScorerValueRow {
  task: string;
  item: string;
  model: string;
  strategy: string;
  sample: number;
  value: number | null;
}

/** Every trial of the scorer's task with its value, streamed in item order (constant memory on any run). */
export function scorerValues(db: Db, scorerId: number): IterableIterator<ScorerValueRow> {
  return db
    .prepare(
      `SELECT tk.suite || '/' || tk.task AS task, it.item_key AS item, m.spec AS model, st.name AS strategy, tr.sample, s.value
       FROM scorers sc
       JOIN tasks tk ON tk.id = sc.task_id
       JOIN items it ON it.task_id = sc.task_id
       JOIN trials tr ON tr.item_id = it.id
       JOIN strategies st ON st.id = tr.strategy_id
       JOIN models m ON m.id = tr.model_id
       LEFT JOIN scores s ON s.trial_id = tr.id AND s.scorer_id = sc.id
       WHERE sc.id = ?
       ORDER BY it.id, tr.strategy_id, tr.model_id, tr.sample`,
    )
    .iterate(scorerId) as IterableIterator<ScorerValueRow>;
}
