// Typed queries for runs and what they are made of (tasks, strategies, scorers, items, models).
import type { Db } from "./db.ts";

export interface RunRow {
  id: number;
  created_at: string;
  finished_at: string | null;
  status: "running" | "done" | "interrupted";
  assay_version: string;
  seed: number;
  command: string;
}

/** Insert a run in status "running"; returns its id. */
export function insertRun(db: Db, run: { assayVersion: string; seed: number; command: unknown }): number {
  const info = db
    .prepare("INSERT INTO runs (created_at, status, assay_version, seed, command, node_version) VALUES (?, 'running', ?, ?, ?, ?)")
    .run(new Date().toISOString(), run.assayVersion, run.seed, JSON.stringify(run.command), process.version);
  return Number(info.lastInsertRowid);
}

/** Set a run's status (and its finish time when it is no longer running). */
export function setRunStatus(db: Db, runId: number, status: RunRow["status"]): void {
  db.prepare("UPDATE runs SET status = ?, finished_at = CASE WHEN ? = 'running' THEN NULL ELSE ? END WHERE id = ?").run(status, status, new Date().toISOString(), runId);
}

/** A run by id, or undefined. */
export function getRun(db: Db, runId: number): RunRow | undefined {
  return db.prepare("SELECT * FROM runs WHERE id = ?").get(runId) as RunRow | undefined;
}

/** All runs, newest first. */
export function listRuns(db: Db): RunRow[] {
  return db.prepare("SELECT * FROM runs ORDER BY id DESC").all() as RunRow[];
}

/** Record the suites (with version and file hash) and templates (with hash) a run used. */
export function insertRunProvenance(
  db: Db,
  runId: number,
  suites: { suite: string; version: string; path: string; sha256: string }[],
  templates: { name: string; sha256: string }[],
): void {
  const s = db.prepare("INSERT OR IGNORE INTO run_suites (run_id, suite, version, path, sha256) VALUES (?, ?, ?, ?, ?)");
  const t = db.prepare("INSERT OR IGNORE INTO run_templates (run_id, name, sha256) VALUES (?, ?, ?)");
  for (const x of suites) s.run(runId, x.suite, x.version, x.path, x.sha256);
  for (const x of templates) t.run(runId, x.name, x.sha256);
}

/** The id of a run's model row, inserting it if new. */
export function upsertModel(db: Db, runId: number, spec: string, provider: string): number {
  db.prepare("INSERT OR IGNORE INTO models (run_id, spec, provider) VALUES (?, ?, ?)").run(runId, spec, provider);
  return (db.prepare("SELECT id FROM models WHERE run_id = ? AND spec = ?").get(runId, spec) as { id: number }).id;
}

export interface TaskIds {
  taskId: number;
  sha256: string;
  strategyIds: Map<string, number>;
  scorerIds: Map<string, number>;
  itemIds: Map<string, number>;
}

/**
 * Insert a task with its strategies, scorers and items (or find them, on resume).
 * Returns the ids and the recorded definition hash.
 */
export function upsertTask(
  db: Db,
  runId: number,
  task: {
    suite: string;
    task: string;
    definition: unknown;
    sha256: string;
    strategies: { name: string; kind: string; params: unknown }[];
    scorers: { name: string; args: unknown; binary: boolean; corpus: boolean }[];
    items: Iterable<{ key: string; cluster?: string; fields: unknown }>;
  },
): TaskIds {
  return db.transaction((): TaskIds => {
    const existing = db.prepare("SELECT id, sha256 FROM tasks WHERE run_id = ? AND suite = ? AND task = ?").get(runId, task.suite, task.task) as
      | { id: number; sha256: string }
      | undefined;
    let taskId: number;
    // A new task's item ids are collected as they are inserted (reading them back cost a third
    // as much again on large datasets); a resumed task's are read from the table.
    let itemIds: Map<string, number> | undefined;
    if (existing) taskId = existing.id;
    else {
      taskId = Number(
        db.prepare("INSERT INTO tasks (run_id, suite, task, definition, sha256) VALUES (?, ?, ?, ?, ?)").run(runId, task.suite, task.task, JSON.stringify(task.definition), task.sha256)
          .lastInsertRowid,
      );
      const st = db.prepare("INSERT INTO strategies (task_id, name, kind, params) VALUES (?, ?, ?, ?)");
      for (const s of task.strategies) st.run(taskId, s.name, s.kind, JSON.stringify(s.params));
      const sc = db.prepare("INSERT INTO scorers (task_id, name, args, binary, corpus) VALUES (?, ?, ?, ?, ?)");
      for (const s of task.scorers) sc.run(taskId, s.name, JSON.stringify(s.args), s.binary ? 1 : 0, s.corpus ? 1 : 0);
      const it = db.prepare("INSERT INTO items (task_id, item_key, cluster, fields) VALUES (?, ?, ?, ?)");
      itemIds = new Map();
      for (const i of task.items) itemIds.set(i.key, Number(it.run(taskId, i.key, i.cluster ?? null, JSON.stringify(i.fields)).lastInsertRowid));
    }
    const ids = (sql: string) => new Map((db.prepare(sql).all(taskId) as { id: number; k: string }[]).map((r) => [r.k, r.id]));
    return {
      taskId,
      sha256: existing?.sha256 ?? task.sha256,
      strategyIds: ids("SELECT id, name AS k FROM strategies WHERE task_id = ?"),
      scorerIds: ids("SELECT id, name AS k FROM scorers WHERE task_id = ?"),
      itemIds: itemIds ?? ids("SELECT id, item_key AS k FROM items WHERE task_id = ?"),
    };
  })();
}

/** Delete a run's error trials (resume runs them again). Returns how many. */
export function deleteErrorTrials(db: Db, runId: number): number {
  return db
    .prepare(
      "DELETE FROM trials WHERE status = 'error' AND model_id IN (SELECT id FROM models WHERE run_id = ?)",
    )
    .run(runId).changes;
}

/** How many trials a run has stored. */
export function storedTrialCount(db: Db, runId: number): number {
  return db.prepare("SELECT COUNT(*) FROM trials WHERE model_id IN (SELECT id FROM models WHERE run_id = ?)").pluck().get(runId) as number;
}

/** A statement answering whether a trial is already stored. */
export function trialExistsQuery(db: Db): (itemId: number, strategyId: number, modelId: number, sample: number) => boolean {
  const stmt = db.prepare("SELECT 1 FROM trials WHERE item_id = ? AND strategy_id = ? AND model_id = ? AND sample = ?").pluck();
  return (itemId, strategyId, modelId, sample) => stmt.get(itemId, strategyId, modelId, sample) !== undefined;
}
