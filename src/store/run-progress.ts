// How far runs got: trials stored and errored, and trials planned (computed from the stored
// tasks, items, strategies, repeats and models), for `assay runs` and partial-run warnings.
import { shardOf } from "../item-shard.ts";
import type { Db } from "./db.ts";

export interface RunProgress {
  /** Trials stored (done or error). */
  trials: number;
  errors: number;
  /**
   * Trials the run plans: per task, items x strategies x repeats, times the models. Null
   * until the run has stored its tasks and models (the first moments of a run).
   */
  planned: number | null;
}

/** Progress of every run (or of `runId` only), by run id. One scan of the trials table. */
export function runProgress(db: Db, runId?: number): Map<number, RunProgress> {
  const only = runId === undefined ? "" : "WHERE m.run_id = ?";
  const params = runId === undefined ? [] : [runId];
  const out = new Map<number, RunProgress>();
  const runs = db
    .prepare(`SELECT id FROM runs ${runId === undefined ? "" : "WHERE id = ?"}`)
    .pluck()
    .all(...params) as number[];
  for (const id of runs) out.set(id, { trials: 0, errors: 0, planned: null });
  const counts = db
    .prepare(
      `SELECT m.run_id AS runId, COUNT(*) AS trials, SUM(tr.status = 'error') AS errors FROM trials tr JOIN models m ON m.id = tr.model_id ${only} GROUP BY m.run_id`,
    )
    .all(...params) as { runId: number; trials: number; errors: number }[];
  for (const c of counts) Object.assign(out.get(c.runId)!, { trials: c.trials, errors: c.errors });
  const planned = db
    .prepare(
      `SELECT tk.run_id AS runId,
              SUM((SELECT COUNT(*) FROM items i WHERE i.task_id = tk.id)
                  * (SELECT COUNT(*) FROM strategies s WHERE s.task_id = tk.id)
                  * COALESCE(json_extract(tk.definition, '$.repeats'), 1))
                * (SELECT COUNT(*) FROM models m WHERE m.run_id = tk.run_id) AS planned
       FROM tasks tk ${runId === undefined ? "" : "WHERE tk.run_id = ?"}
       GROUP BY tk.run_id`,
    )
    .all(...params) as { runId: number; planned: number }[];
  for (const p of planned) if (p.planned > 0) out.get(p.runId)!.planned = p.planned;
  for (const id of runs) {
    const shard = shardOfRun(db, id);
    if (shard && out.get(id)!.planned !== null) out.get(id)!.planned = shardPlanned(db, id, shard);
  }
  return out;
}

/** The names a run's trials can be filtered by: tasks (`suite/task`), models, strategies, metrics. */
export function runNames(db: Db, runId: number): { tasks: string[]; models: string[]; strategies: string[]; metrics: string[] } {
  const list = (sql: string) => db.prepare(sql).pluck().all(runId) as string[];
  return {
    tasks: list("SELECT suite || '/' || task FROM tasks WHERE run_id = ? ORDER BY id"),
    models: list("SELECT spec FROM models WHERE run_id = ? ORDER BY id"),
    strategies: list(
      "SELECT st.name FROM strategies st JOIN tasks tk ON tk.id = st.task_id WHERE tk.run_id = ? GROUP BY st.name ORDER BY MIN(st.id)",
    ),
    metrics: list(
      "SELECT sc.name FROM scorers sc JOIN tasks tk ON tk.id = sc.task_id WHERE tk.run_id = ? GROUP BY sc.name ORDER BY MIN(sc.id)",
    ),
  };
}

/** The `--shard I/N` a run recorded, as numbers; undefined for a whole run (or a merged one). */
function shardOfRun(db: Db, runId: number): { index: number; count: number } | undefined {
  const shard = db.prepare("SELECT json_extract(command, '$.shard') FROM runs WHERE id = ? AND json_valid(command)").pluck().get(runId);
  const m = typeof shard === "string" ? /^(\d+)\/(\d+)$/.exec(shard) : null;
  return m ? { index: Number(m[1]), count: Number(m[2]) } : undefined;
}

/**
 * A shard's planned trials: a shard registers every item but runs only its own, so the plan
 * counts, per task, the items of this shard (by the same hash the planner uses).
 */
function shardPlanned(db: Db, runId: number, shard: { index: number; count: number }): number {
  const tasks = db
    .prepare(
      `SELECT tk.id, tk.suite, tk.task,
              (SELECT COUNT(*) FROM strategies s WHERE s.task_id = tk.id) * COALESCE(json_extract(tk.definition, '$.repeats'), 1) AS perItem
       FROM tasks tk WHERE tk.run_id = ?`,
    )
    .all(runId) as { id: number; suite: string; task: string; perItem: number }[];
  const keys = db.prepare("SELECT item_key FROM items WHERE task_id = ?").pluck();
  const models = db.prepare("SELECT COUNT(*) FROM models WHERE run_id = ?").pluck().get(runId) as number;
  let planned = 0;
  for (const t of tasks) {
    let items = 0;
    for (const key of keys.iterate(t.id) as IterableIterator<string>)
      if (shardOf(t.suite, t.task, key, shard.count) === shard.index) items++;
    planned += items * t.perItem;
  }
  return planned * models;
}
