// The SQL of `assay merge`: what identifies a shard's run (for the checks that the shards are
// one run), and the copy of every row of a run from a shard store into the merged store.
import { createHash } from "node:crypto";
import { dirname } from "node:path";
import type { Db } from "./db.ts";
import type { RunRow } from "./runs.ts";

/** What must be equal across the shards of one run (rows sorted, so the order of writing does not matter). */
export interface RunIdentity {
  suites: string[];
  templates: string[];
  models: string[];
  tasks: string[];
  strategies: string[];
  scorers: string[];
  judges: string[];
  /** Per task (`suite/task`): item count and sha256 over the items (key, cluster, fields, targets) in id order. */
  items: Map<string, string>;
  /** Review queues made on this run (a shard should have none: they belong to the merged run). */
  reviewQueues: number;
}

/**
 * A text with the run's suite folders replaced by `<suites>`: a checkout in another folder
 * records other absolute paths (datasets, rubric files) for the same suite.
 */
function pathFree(db: Db, runId: number): (text: string) => string {
  const roots = [
    ...new Set((db.prepare("SELECT path FROM run_suites WHERE run_id = ?").pluck().all(runId) as string[]).map((p) => dirname(p))),
  ]
    .filter((root) => root.length > 1)
    .sort((a, b) => b.length - a.length);
  return (text) => roots.reduce((t, root) => t.replaceAll(JSON.stringify(root).slice(1, -1), "<suites>"), text);
}

/**
 * A task's definition as compared between shards: without the dataset's and exemplar file's
 * paths (the items' sha256 and the exemplars' keys it holds say what was read) and with suite
 * folders replaced.
 */
function comparableDefinition(definition: string, free: (text: string) => string): string {
  const parsed = JSON.parse(definition) as Record<string, unknown>;
  const { dataset: _dataset, exemplars: _exemplars, ...rest } = parsed;
  return createHash("sha256")
    .update(free(JSON.stringify(rest)))
    .digest("hex");
}

/** Read a run's identity (suite paths, weights paths and mtimes left out: they differ between machines). */
export function runIdentity(db: Db, runId: number): RunIdentity {
  const free = pathFree(db, runId);
  const rows = (sql: string, id: number): string[] =>
    (db.prepare(sql).raw().all(id) as unknown[][]).map((r) => free(JSON.stringify(r))).sort();
  const models = (
    db.prepare("SELECT spec, provider, weights FROM models WHERE run_id = ?").all(runId) as {
      spec: string;
      provider: string;
      weights: string | null;
    }[]
  )
    .map((m) => JSON.stringify([m.spec, m.provider, m.weights ? (JSON.parse(m.weights) as { sha256?: string }).sha256 : null]))
    .sort();
  const items = new Map<string, string>();
  const tasks = db.prepare("SELECT id, suite || '/' || task AS key FROM tasks WHERE run_id = ? ORDER BY id").all(runId) as {
    id: number;
    key: string;
  }[];
  const itemRows = db.prepare("SELECT item_key, cluster, fields, targets FROM items WHERE task_id = ? ORDER BY id").raw();
  for (const task of tasks) {
    const hash = createHash("sha256");
    let n = 0;
    for (const row of itemRows.iterate(task.id) as Iterable<unknown[]>) {
      hash.update(JSON.stringify(row)).update("\n");
      n++;
    }
    items.set(task.key, `${n} items, sha256 ${hash.digest("hex").slice(0, 16)}`);
  }
  return {
    suites: rows("SELECT suite, version, sha256 FROM run_suites WHERE run_id = ?", runId),
    templates: rows("SELECT name, sha256 FROM run_templates WHERE run_id = ?", runId),
    models,
    tasks: (
      db.prepare("SELECT suite, task, definition FROM tasks WHERE run_id = ?").all(runId) as {
        suite: string;
        task: string;
        definition: string;
      }[]
    )
      .map((t) => JSON.stringify([t.suite, t.task, comparableDefinition(t.definition, free)]))
      .sort(),
    strategies: rows(
      "SELECT t.suite || '/' || t.task, s.name, s.kind, s.params FROM strategies s JOIN tasks t ON t.id = s.task_id WHERE t.run_id = ?",
      runId,
    ),
    scorers: rows(
      "SELECT t.suite || '/' || t.task, s.name, s.args, s.binary, s.corpus FROM scorers s JOIN tasks t ON t.id = s.task_id WHERE t.run_id = ?",
      runId,
    ),
    judges: rows("SELECT sha256, model, provider, rubric, template, params FROM judges WHERE run_id = ?", runId),
    items,
    reviewQueues: db.prepare("SELECT COUNT(*) FROM review_queues WHERE run_id = ?").pluck().get(runId) as number,
  };
}

/** The run in `db` whose recorded command has `mergedFrom` equal to `key` (a merge done before), or undefined. */
export function findMergedRun(db: Db, key: string): number | undefined {
  return db
    .prepare("SELECT id FROM runs WHERE json_valid(command) AND json_extract(command, '$.mergedFrom') = ? ORDER BY id LIMIT 1")
    .pluck()
    .get(key) as number | undefined;
}

/** The merged run's own row. */
export interface MergedRunRow {
  createdAt: string;
  finishedAt: string;
  assayVersion: string;
  seed: number;
  command: unknown;
  nodeVersion: string;
}

/** A shard to copy: its open store (read-only) and its run. */
export interface ShardSource {
  db: Db;
  run: RunRow;
}

/**
 * Write one run made of the shards' rows into `out`, in one IMMEDIATE transaction: the run's
 * definition (suites, templates, models, tasks, strategies, scorers, judges, items) from the
 * first shard (the checks made sure they are the same in all), and every shard's trials with
 * their prompts, calls, scores, judgments and pairwise judgments, ids renumbered. The response
 * cache of every shard is added (by key; an entry already present is kept). Returns the run id.
 */
export function writeMergedRun(out: Db, run: MergedRunRow, shards: ShardSource[]): number {
  return out
    .transaction((): number => {
      const runId = Number(
        out
          .prepare(
            "INSERT INTO runs (created_at, finished_at, status, assay_version, seed, command, node_version) VALUES (?, ?, 'done', ?, ?, ?, ?)",
          )
          .run(run.createdAt, run.finishedAt, run.assayVersion, run.seed, JSON.stringify(run.command), run.nodeVersion).lastInsertRowid,
      );
      const first = shards[0];
      const defs = copyDefinition(out, first.db, first.run.id, runId);
      for (const shard of shards) copyTrials(out, shard, defs);
      const cache = out.prepare("INSERT OR IGNORE INTO cache (key, response, created_at) VALUES (?, ?, ?)");
      for (const shard of shards)
        for (const row of shard.db.prepare("SELECT key, response, created_at FROM cache").raw().iterate() as Iterable<unknown[]>)
          cache.run(...row);
      return runId;
    })
    .immediate();
}

/** New ids of the merged run's definition rows, by what names them in every shard. */
interface Definition {
  models: Map<string, number>;
  tasks: Map<string, number>;
  strategies: Map<string, number>;
  scorers: Map<string, number>;
  judges: Map<string, number>;
  items: Map<string, number>;
}

/** The columns of `table` in the store (the shards have the same schema version: checked before). */
function columnsOf(db: Db, table: string): string[] {
  return (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
}

/**
 * A row copier for `table`: inserts the row with `set` replacing some columns (and `id`
 * dropped when `newId`), returning the new rowid.
 */
function copier(out: Db, table: string, options: { newId: boolean }) {
  const columns = columnsOf(out, table).filter((c) => !(options.newId && c === "id"));
  const insert = out.prepare(`INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`);
  return (row: Record<string, unknown>, set: Record<string, unknown>): number =>
    Number(insert.run(...columns.map((c) => (c in set ? set[c] : row[c]))).lastInsertRowid);
}

function copyDefinition(out: Db, src: Db, srcRunId: number, runId: number): Definition {
  const defs: Definition = {
    models: new Map(),
    tasks: new Map(),
    strategies: new Map(),
    scorers: new Map(),
    judges: new Map(),
    items: new Map(),
  };
  const all = (sql: string, ...params: unknown[]) => src.prepare(sql).all(...params) as Record<string, unknown>[];
  const suite = copier(out, "run_suites", { newId: false });
  for (const r of all("SELECT * FROM run_suites WHERE run_id = ? ORDER BY suite", srcRunId)) suite(r, { run_id: runId });
  const template = copier(out, "run_templates", { newId: false });
  for (const r of all("SELECT * FROM run_templates WHERE run_id = ? ORDER BY name", srcRunId)) template(r, { run_id: runId });
  const model = copier(out, "models", { newId: true });
  for (const r of all("SELECT * FROM models WHERE run_id = ? ORDER BY id", srcRunId))
    defs.models.set(String(r.spec), model(r, { run_id: runId }));
  const task = copier(out, "tasks", { newId: true });
  const strategy = copier(out, "strategies", { newId: true });
  const scorer = copier(out, "scorers", { newId: true });
  const item = copier(out, "items", { newId: true });
  for (const t of all("SELECT * FROM tasks WHERE run_id = ? ORDER BY id", srcRunId)) {
    const key = `${t.suite}/${t.task}`;
    const taskId = task(t, { run_id: runId });
    defs.tasks.set(key, taskId);
    for (const s of all("SELECT * FROM strategies WHERE task_id = ? ORDER BY id", t.id))
      defs.strategies.set(`${key}\0${s.name}`, strategy(s, { task_id: taskId }));
    for (const s of all("SELECT * FROM scorers WHERE task_id = ? ORDER BY id", t.id))
      defs.scorers.set(`${key}\0${s.name}`, scorer(s, { task_id: taskId }));
    // Items keep the order the run read them in (file order): bootstraps resample in item order.
    for (const i of src.prepare("SELECT * FROM items WHERE task_id = ? ORDER BY id").iterate(t.id) as Iterable<Record<string, unknown>>)
      defs.items.set(`${key}\0${i.item_key}`, item(i, { task_id: taskId }));
  }
  const judge = copier(out, "judges", { newId: true });
  for (const r of all("SELECT * FROM judges WHERE run_id = ? ORDER BY id", srcRunId))
    defs.judges.set(String(r.sha256), judge(r, { run_id: runId }));
  return defs;
}

/** A shard's ids mapped to the merged run's, through the names both share. */
function idMaps(src: Db, runId: number, defs: Definition) {
  const map = (sql: string, names: Map<string, number>) => {
    const m = new Map<number, number>();
    for (const [id, name] of src.prepare(sql).raw().iterate(runId) as Iterable<[number, string]>) m.set(id, names.get(name)!);
    return m;
  };
  const taskKey = "t.suite || '/' || t.task";
  return {
    models: map("SELECT id, spec FROM models WHERE run_id = ?", defs.models),
    strategies: map(
      `SELECT s.id, ${taskKey} || char(0) || s.name FROM strategies s JOIN tasks t ON t.id = s.task_id WHERE t.run_id = ?`,
      defs.strategies,
    ),
    scorers: map(
      `SELECT s.id, ${taskKey} || char(0) || s.name FROM scorers s JOIN tasks t ON t.id = s.task_id WHERE t.run_id = ?`,
      defs.scorers,
    ),
    judges: map("SELECT id, sha256 FROM judges WHERE run_id = ?", defs.judges),
    items: map(
      `SELECT i.id, ${taskKey} || char(0) || i.item_key FROM items i JOIN tasks t ON t.id = i.task_id WHERE t.run_id = ?`,
      defs.items,
    ),
  };
}

/** Copy a shard's trials and everything hanging from them, renumbered into the merged run. */
function copyTrials(out: Db, shard: ShardSource, defs: Definition): void {
  const { db: src, run } = shard;
  const ids = idMaps(src, run.id, defs);
  const trials = new Map<number, number>();
  const prompts = new Map<number, number>();
  const promptRow = src.prepare("SELECT * FROM prompts WHERE id = ?");
  const prompt = copier(out, "prompts", { newId: true });
  const promptOf = (id: unknown): unknown => {
    if (id === null || id === undefined) return id;
    let mapped = prompts.get(id as number);
    if (mapped === undefined) {
      mapped = prompt(promptRow.get(id) as Record<string, unknown>, {});
      prompts.set(id as number, mapped);
    }
    return mapped;
  };
  const ofRun = "JOIN trials tr ON tr.id = x.trial_id JOIN models m ON m.id = tr.model_id WHERE m.run_id = ?";
  const each = (sql: string) => src.prepare(sql).iterate(run.id) as Iterable<Record<string, unknown>>;
  // Trials in plan order (item, strategy, model, sample), as one machine would have written
  // them: summaries that resample in trial order (Bradley-Terry over pairwise games) see the same order.
  const keys: number[][] = [];
  for (const [id, item, strategy, model, sample] of src
    .prepare(
      "SELECT tr.id, tr.item_id, tr.strategy_id, tr.model_id, tr.sample FROM trials tr JOIN models m ON m.id = tr.model_id WHERE m.run_id = ?",
    )
    .raw()
    .iterate(run.id) as Iterable<number[]>)
    keys.push([ids.items.get(item)!, ids.strategies.get(strategy)!, ids.models.get(model)!, sample, id]);
  keys.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2] || a[3] - b[3]);
  const trialRow = src.prepare("SELECT * FROM trials WHERE id = ?");
  const trial = copier(out, "trials", { newId: true });
  for (const [item, strategy, model, , id] of keys) {
    const t = trialRow.get(id) as Record<string, unknown>;
    trials.set(id, trial(t, { item_id: item, strategy_id: strategy, model_id: model, prompt_id: promptOf(t.prompt_id) }));
  }
  const generation = copier(out, "generations", { newId: false });
  for (const g of each(`SELECT x.* FROM generations x ${ofRun} ORDER BY x.trial_id, x.idx`))
    generation(g, { trial_id: trials.get(g.trial_id as number), prompt_id: promptOf(g.prompt_id) });
  const score = copier(out, "scores", { newId: false });
  for (const s of each(`SELECT x.* FROM scores x ${ofRun} ORDER BY x.trial_id, x.scorer_id`))
    score(s, { trial_id: trials.get(s.trial_id as number), scorer_id: ids.scorers.get(s.scorer_id as number) });
  const judgment = copier(out, "judgments", { newId: false });
  for (const j of each(`SELECT x.* FROM judgments x ${ofRun} ORDER BY x.trial_id, x.scorer_id, x.sample`))
    judgment(j, {
      trial_id: trials.get(j.trial_id as number),
      scorer_id: ids.scorers.get(j.scorer_id as number),
      judge_id: ids.judges.get(j.judge_id as number),
    });
  // A pair's two contestants are trials of one item, so both are in this shard.
  const pair = copier(out, "pair_judgments", { newId: false });
  for (const p of each(
    "SELECT x.* FROM pair_judgments x JOIN trials tr ON tr.id = x.trial_a JOIN models m ON m.id = tr.model_id WHERE m.run_id = ? ORDER BY x.scorer_id, x.trial_a, x.trial_b, x.sample",
  ))
    pair(p, {
      scorer_id: ids.scorers.get(p.scorer_id as number),
      trial_a: trials.get(p.trial_a as number),
      trial_b: trials.get(p.trial_b as number),
      judge_id: ids.judges.get(p.judge_id as number),
    });
}

/**
 * Each task of a run (`suite/task`) with the sha256 of its definition as compared across
 * machines and checkouts: without the dataset's and exemplar file's paths, suite folders
 * replaced (the gate compares a committed baseline made elsewhere with a CI run).
 */
export function portableTaskHashes(db: Db, runId: number): { task: string; sha256: string }[] {
  const free = pathFree(db, runId);
  const rows = db.prepare("SELECT suite || '/' || task AS task, definition FROM tasks WHERE run_id = ? ORDER BY id").all(runId) as {
    task: string;
    definition: string;
  }[];
  return rows.map((r) => ({ task: r.task, sha256: comparableDefinition(r.definition, free) }));
}
