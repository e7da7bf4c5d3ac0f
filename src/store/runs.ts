// Typed queries for runs and what they are made of (tasks, strategies, scorers, items, models).
import { hostname } from "node:os";
import { UserError } from "../errors.ts";
import type { Db } from "./db.ts";
import { multiRowInsert } from "./multi-row-insert.ts";

export interface RunRow {
  id: number;
  created_at: string;
  finished_at: string | null;
  status: "running" | "done" | "interrupted";
  assay_version: string;
  seed: number;
  command: string;
  /** Host and pid of the process running it, and its last heartbeat (ms); schema 2 on, else undefined. */
  owner_host?: string | null;
  owner_pid?: number | null;
  heartbeat_ms?: number | null;
  /** Why the run stopped before its end (e.g. the disk was full); schema 2 on. */
  stop_reason?: string | null;
}

/**
 * Insert a run in status "running", owned by this process (host, pid, a first heartbeat);
 * returns its id.
 */
export function insertRun(db: Db, run: { assayVersion: string; seed: number; command: unknown }): number {
  const info = db
    .prepare(
      `INSERT INTO runs (created_at, status, assay_version, seed, command, node_version, owner_host, owner_pid, heartbeat_ms)
       VALUES (?, 'running', ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      new Date().toISOString(),
      run.assayVersion,
      run.seed,
      JSON.stringify(run.command),
      process.version,
      hostname(),
      process.pid,
      Date.now(),
    );
  return Number(info.lastInsertRowid);
}

/**
 * Set a run's status (and its finish time when it is no longer running). `reason` records
 * why a run stopped early (shown by `assay runs` and `show`); running again clears it.
 */
export function setRunStatus(db: Db, runId: number, status: RunRow["status"], reason?: string): void {
  db.prepare("UPDATE runs SET status = ?, finished_at = CASE WHEN ? = 'running' THEN NULL ELSE ? END, stop_reason = ? WHERE id = ?").run(
    status,
    status,
    new Date().toISOString(),
    status === "running" ? null : (reason ?? null),
    runId,
  );
}

/**
 * setRunStatus that never throws (on a full disk the update itself may fail): for a run
 * loop's `finally`, which must not hide the error that ended the run. Returns whether the
 * status was written.
 */
export function trySetRunStatus(db: Db, runId: number, status: RunRow["status"], reason?: string): boolean {
  try {
    setRunStatus(db, runId, status, reason);
    return true;
  } catch {
    return false;
  }
}

/** A run by id, or undefined. */
export function getRun(db: Db, runId: number): RunRow | undefined {
  return db.prepare("SELECT * FROM runs WHERE id = ?").get(runId) as RunRow | undefined;
}

/** All runs, newest first. */
export function listRuns(db: Db): RunRow[] {
  return db.prepare("SELECT * FROM runs ORDER BY id DESC").all() as RunRow[];
}

/** The options a run was started with, as `runs.command` records them (for --resume and listings). */
export interface RecordedCommand {
  /** Task selectors (empty: every task). */
  select: string[];
  /** Model specs, in order. */
  models: string[];
  /** The suites directory; absent for tasks declared in code. */
  suitesDir?: string;
  seed: number;
  limit?: number;
  concurrency?: number;
  cache: boolean;
  config?: string;
  /** --judge-model: the model every judge used instead of the one its suite names. */
  judgeModel?: string;
  /** --shard I/N: this run is shard I of N. */
  shard?: string;
  /** A merged run: the number of shards it was merged from, and their identity (assay merge). */
  shards?: number;
  mergedFrom?: string;
}

/**
 * A run's recorded command, checked field by field (a field missing from an older or
 * hand-made row gets its default: no selectors, no models, the run's seed, cache on).
 */
export function recordedCommand(run: Pick<RunRow, "id" | "seed" | "command">): RecordedCommand {
  let raw: unknown;
  try {
    raw = JSON.parse(run.command);
  } catch {
    raw = undefined;
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw))
    throw new UserError(`run ${run.id}: its recorded command is not a JSON object`, { code: "E_DB_CORRUPT" });
  const c = raw as Record<string, unknown>;
  const strings = (name: string): string[] => {
    const v = c[name];
    if (v === undefined) return [];
    if (!Array.isArray(v) || !v.every((x) => typeof x === "string"))
      throw new UserError(`run ${run.id}: recorded command field "${name}" is not a list of strings`, { code: "E_DB_CORRUPT" });
    return v;
  };
  const optional = <T>(name: string, type: "string" | "number"): T | undefined => {
    const v = c[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== type)
      throw new UserError(`run ${run.id}: recorded command field "${name}" is not a ${type}`, { code: "E_DB_CORRUPT" });
    return v as T;
  };
  return {
    select: strings("select"),
    models: strings("models"),
    suitesDir: optional<string>("suitesDir", "string"),
    seed: optional<number>("seed", "number") ?? run.seed,
    limit: optional<number>("limit", "number"),
    concurrency: optional<number>("concurrency", "number"),
    cache: c.cache !== false,
    config: optional<string>("config", "string"),
    judgeModel: optional<string>("judgeModel", "string"),
    shard: optional<string>("shard", "string"),
    shards: optional<number>("shards", "number"),
    mergedFrom: optional<string>("mergedFrom", "string"),
  };
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
  db.transaction(() => {
    for (const x of suites) s.run(runId, x.suite, x.version, x.path, x.sha256);
    for (const x of templates) t.run(runId, x.name, x.sha256);
  }).immediate();
}

/** What a local model's weights were when a run loaded them (stored as JSON in models.weights). */
export interface ModelWeights {
  path: string;
  size: number;
  mtimeMs: number;
  sha256: string;
}

/**
 * The id of a run's model row, inserting it if new. `weights` records a local model's file
 * (path, size, mtime, sha256); given again on resume it replaces the recorded value.
 */
export function upsertModel(
  db: Db,
  runId: number,
  spec: string,
  provider: string,
  weights?: ModelWeights,
  settings?: Readonly<Record<string, unknown>>,
): number {
  return db
    .transaction((): number => {
      db.prepare("INSERT OR IGNORE INTO models (run_id, spec, provider) VALUES (?, ?, ?)").run(runId, spec, provider);
      if (weights) db.prepare("UPDATE models SET weights = ? WHERE run_id = ? AND spec = ?").run(JSON.stringify(weights), runId, spec);
      if (settings) db.prepare("UPDATE models SET settings = ? WHERE run_id = ? AND spec = ?").run(JSON.stringify(settings), runId, spec);
      return (db.prepare("SELECT id FROM models WHERE run_id = ? AND spec = ?").get(runId, spec) as { id: number }).id;
    })
    .immediate();
}

/** The inference settings recorded for a run's model, or undefined (remote models, runs before schema 6). */
export function modelSettings(db: Db, modelId: number): Record<string, string | number | boolean | null> | undefined {
  const text = db.prepare("SELECT settings FROM models WHERE id = ?").pluck().get(modelId) as string | null | undefined;
  return text ? (JSON.parse(text) as Record<string, string | number | boolean | null>) : undefined;
}

/** The weights recorded for a run's model, or undefined (a remote model, or a run before schema 2). */
export function modelWeights(db: Db, modelId: number): ModelWeights | undefined {
  const text = db.prepare("SELECT weights FROM models WHERE id = ?").pluck().get(modelId) as string | null | undefined;
  return text ? (JSON.parse(text) as ModelWeights) : undefined;
}

export interface TaskIds {
  taskId: number;
  sha256: string;
  strategyIds: Map<string, number>;
  scorerIds: Map<string, number>;
}

/**
 * Insert a task with its strategies and scorers (or find them, on resume), in one
 * IMMEDIATE transaction (it takes the write lock before reading, so a concurrent writer
 * makes it wait instead of failing). Items are added as a run plans them (insertItems).
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
  },
): TaskIds {
  return db
    .transaction((): TaskIds => {
      const existing = db
        .prepare("SELECT id, sha256 FROM tasks WHERE run_id = ? AND suite = ? AND task = ?")
        .get(runId, task.suite, task.task) as { id: number; sha256: string } | undefined;
      let taskId: number;
      if (existing) taskId = existing.id;
      else {
        taskId = Number(
          db
            .prepare("INSERT INTO tasks (run_id, suite, task, definition, sha256) VALUES (?, ?, ?, ?, ?)")
            .run(runId, task.suite, task.task, JSON.stringify(task.definition), task.sha256).lastInsertRowid,
        );
        const st = db.prepare("INSERT INTO strategies (task_id, name, kind, params) VALUES (?, ?, ?, ?)");
        for (const s of task.strategies) st.run(taskId, s.name, s.kind, JSON.stringify(s.params));
        const sc = db.prepare("INSERT INTO scorers (task_id, name, args, binary, corpus) VALUES (?, ?, ?, ?, ?)");
        for (const s of task.scorers) sc.run(taskId, s.name, JSON.stringify(s.args), s.binary ? 1 : 0, s.corpus ? 1 : 0);
      }
      const ids = (sql: string) => new Map((db.prepare(sql).all(taskId) as { id: number; k: string }[]).map((r) => [r.k, r.id]));
      return {
        taskId,
        sha256: existing?.sha256 ?? task.sha256,
        strategyIds: ids("SELECT id, name AS k FROM strategies WHERE task_id = ?"),
        scorerIds: ids("SELECT id, name AS k FROM scorers WHERE task_id = ?"),
      };
    })
    .immediate();
}

/** An item as the store keeps it: its key, cluster, dataset row and rendered references. */
export interface ItemRow {
  key: string;
  cluster?: string;
  fields: unknown;
  targets?: string[];
}

/**
 * A writer of a task's items, a chunk at a time in one IMMEDIATE transaction; returns each
 * item's id. `fresh`: the task has no items yet (a new run), so they are inserted 64 to a
 * statement with ids assigned here (max(id) + 1 under the write lock); otherwise an item
 * already stored (a resumed run) keeps its row and id.
 */
export function itemInserter(db: Db): (taskId: number, items: ItemRow[], fresh?: boolean) => number[] {
  const insert = db
    .prepare(
      "INSERT INTO items (task_id, item_key, cluster, fields, targets) VALUES (?, ?, ?, ?, ?) ON CONFLICT (task_id, item_key) DO NOTHING RETURNING id",
    )
    .pluck();
  const find = db.prepare("SELECT id FROM items WHERE task_id = ? AND item_key = ?").pluck();
  const insertMany = multiRowInsert(db, "items", ["id", "task_id", "item_key", "cluster", "fields", "targets"]);
  const maxId = db.prepare("SELECT COALESCE(MAX(id), 0) FROM items").pluck();
  const targetsJson = (i: ItemRow) => (i.targets === undefined ? null : JSON.stringify(i.targets));
  return db.transaction((taskId: number, items: ItemRow[], fresh = false): number[] => {
    if (!fresh)
      return items.map(
        (i) =>
          (insert.get(taskId, i.key, i.cluster ?? null, JSON.stringify(i.fields), targetsJson(i)) ?? find.get(taskId, i.key)) as number,
      );
    let id = maxId.get() as number;
    const ids: number[] = [];
    const rows: unknown[] = [];
    for (const i of items) {
      ids.push(++id);
      rows.push(id, taskId, i.key, i.cluster ?? null, JSON.stringify(i.fields), targetsJson(i));
    }
    insertMany(rows);
    return ids;
  }).immediate;
}

/** Delete a run's error trials (resume runs them again). Returns how many. */
export function deleteErrorTrials(db: Db, runId: number): number {
  return db.prepare("DELETE FROM trials WHERE status = 'error' AND model_id IN (SELECT id FROM models WHERE run_id = ?)").run(runId)
    .changes;
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
