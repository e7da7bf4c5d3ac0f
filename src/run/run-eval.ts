// runEval: the whole `assay run` as a library function: load and validate the selected
// tasks, open the store, execute (or resume) the trials, and summarise.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { UserError } from "../errors.ts";
import { createProvider } from "../provider/create.ts";
import type { Provider } from "../provider/types.ts";
import { runSummary, type SummaryResult } from "../report/summary.ts";
import { scorerFactories } from "../score/metrics/index.ts";
import { strategies } from "../strategy/index.ts";
import { prepareTask, taskTemplates } from "../suite/prepare.ts";
import { defaultSuitesDir, loadRegistry, Registry } from "../suite/registry.ts";
import type { GenerationSettings, LoadedTask, TaskDeclaration } from "../suite/types.ts";
import { bundledTemplate, sha256 } from "../template/env.ts";
import { responseCache } from "../store/cache.ts";
import { openStore, type Db } from "../store/db.ts";
import { deleteErrorTrials, getRun, storedTrialCount, insertRun, insertRunProvenance, setRunStatus, trialExistsQuery, upsertModel, upsertTask } from "../store/runs.ts";
import { trialWriter, type TrialRecord } from "../store/trials.ts";
import { assayVersion } from "../version.ts";
import { countTrials, executeTrials, type PreparedModel, type PreparedTask } from "./executor.ts";
import { fullCollection } from "./memory.ts";
import type { Reporter } from "./reporter.ts";

/** Everything `assay run` can be told. */
export interface RunOptions {
  /** Task selectors: task id, suite id, `suite/task`, glob, `tag:NAME`. None: every task. */
  select?: string[];
  /**
   * Model specs (`echo`, `replay:FILE`, `local:PATH`, `gemini:MODEL`, `openai:MODEL`, a named model),
   * or Provider objects of your own (recorded under their `id`). Default: `local:demo` when the
   * shipped demo model is present, else `echo`.
   */
  models?: (string | Provider)[];
  /** Suites directory. Default: ./suites when it exists, else the bundled suites. */
  suitesDir?: string;
  /** Tasks declared in code (defineTask); used instead of the suites directory when given. */
  tasks?: TaskDeclaration[];
  /** Database path. Default: .assay/assay.db under cwd. */
  db?: string;
  /** Seed for every random choice (few-shot sampling, sampling seeds). Default 0. */
  seed?: number;
  /** Concurrent calls per model (overrides the provider's default). */
  concurrency?: number;
  /** Use the response cache (default true). */
  cache?: boolean;
  /** Only the first N items of each task. */
  limit?: number;
  /** Finish this interrupted run instead of starting one. */
  resume?: number;
  /** Model config file (assay.config.yaml). */
  config?: string;
  cwd?: string;
  reporter?: Reporter;
  signal?: AbortSignal;
  /** First retry backoff in ms (tests shorten it). */
  retryBaseDelayMs?: number;
}

/** Prompt tokens submitted vs. prefill tokens evaluated (local models reuse shared prefixes). */
export interface ProviderUsage {
  model: string;
  promptTokens: number;
  prefillTokens: number;
  generatedTokens: number;
}

export interface RunResult {
  runId: number;
  /** Per local model: how much prompt prefill the prefix cache saved. */
  usage: ProviderUsage[];
  db: string;
  results: SummaryResult[];
  trials: number;
  errors: number;
  interrupted: boolean;
}

const defaultGeneration: GenerationSettings = { temperature: 0, max_tokens: 256 };

/** Run (or resume) an evaluation and return its summary. */
export async function runEval(options: RunOptions = {}): Promise<RunResult> {
  const cwd = options.cwd ?? process.cwd();
  const dbPath = resolve(cwd, options.db ?? ".assay/assay.db");
  if (options.resume !== undefined) return resumeRun(options, cwd, dbPath);
  const models = options.models?.length ? options.models : [defaultModel()];
  const specs = models.map(specOf);
  const seed = options.seed ?? 0;
  const loaded = await loadSelectedTasks(options, cwd);
  // Everything is validated before the database is touched.
  const providers = await createProviders(models, options, cwd);
  try {
    checkCapabilities(loaded, providers, specs);
  } catch (error) {
    await closeOwned(providers);
    throw error;
  }
  const db = openStore(dbPath);
  try {
    const command = { select: options.select ?? [], models: specs, suitesDir: options.tasks ? undefined : suitesDirOf(options, cwd), seed, limit: options.limit, concurrency: options.concurrency, cache: options.cache ?? true, config: options.config };
    const runId = insertRun(db, { assayVersion, seed, command });
    return await execute(db, runId, loaded, specs, providers, options, seed, dbPath, false);
  } finally {
    await closeOwned(providers);
    db.close();
  }
}

async function resumeRun(options: RunOptions, cwd: string, dbPath: string): Promise<RunResult> {
  if (!existsSync(dbPath)) throw new UserError("database not found", { location: dbPath, code: "E_RESUME" });
  const db = openStore(dbPath);
  let providers: Provider[] = [];
  try {
    const run = getRun(db, options.resume!);
    if (!run) throw new UserError(`no run ${options.resume} in ${dbPath}`, { code: "E_RESUME" });
    const command = JSON.parse(run.command) as { select: string[]; models: string[]; suitesDir?: string; seed: number; limit?: number; concurrency?: number; cache: boolean; config?: string };
    if (!command.suitesDir && !options.tasks) throw new UserError(`run ${run.id} used tasks declared in code; resume it through runEval({ resume, tasks })`, { code: "E_RESUME" });
    const merged: RunOptions = { ...options, select: command.select, suitesDir: command.suitesDir, limit: command.limit, concurrency: options.concurrency ?? command.concurrency, cache: options.cache ?? command.cache, config: options.config ?? command.config };
    const loaded = await loadSelectedTasks(merged, cwd);
    const given = options.models?.length ? options.models : command.models;
    if (given.map(specOf).join("\n") !== command.models.join("\n")) {
      throw new UserError(`run ${run.id} used models ${command.models.join(", ")}; resume it with the same models`, { code: "E_RESUME" });
    }
    providers = await createProviders(given, merged, cwd);
    deleteErrorTrials(db, run.id);
    setRunStatus(db, run.id, "running");
    return await execute(db, run.id, loaded, command.models, providers, merged, run.seed, dbPath, true);
  } finally {
    await closeOwned(providers);
    db.close();
  }
}

function suitesDirOf(options: RunOptions, cwd: string): string {
  return options.suitesDir ? resolve(cwd, options.suitesDir) : defaultSuitesDir(cwd);
}

/** Load the registry, select tasks, read and validate their data. */
export async function loadSelectedTasks(options: Pick<RunOptions, "select" | "suitesDir" | "tasks" | "limit">, cwd: string): Promise<LoadedTask[]> {
  const registry = options.tasks ? new Registry(options.tasks) : await loadRegistry(suitesDirOf(options, cwd), cwd);
  const selected = registry.select(options.select ?? []);
  return selected.map((decl) => {
    const task = prepareTask(decl, cwd);
    return options.limit !== undefined ? { ...task, loadedItems: task.loadedItems.slice(0, options.limit) } : task;
  });
}

/** The shipped demo model (`local:demo`) when it is present, else `echo`. */
export function defaultModel(): string {
  return existsSync(fileURLToPath(new URL("../../models/demo.gguf", import.meta.url))) ? "local:demo" : "echo";
}

/** Providers this module created (and so closes); callers' own Provider objects are left open. */
const owned = new WeakSet<Provider>();

function closeOwned(providers: Provider[]): Promise<unknown> {
  return Promise.all(providers.filter((p) => owned.has(p)).map((p) => p.close?.()));
}

/** A choices task needs log-likelihoods, which only some backends (local:) compute. */
function checkCapabilities(tasks: LoadedTask[], providers: Provider[], specs: string[]): void {
  const mc = tasks.find((t) => t.choices !== undefined || t.outputType === "loglikelihood");
  if (!mc) return;
  providers.forEach((p, i) => {
    if (!p.loglikelihood) {
      throw new UserError(`task ${mc.suite}/${mc.id} is scored by log-likelihood, which model "${specs[i]}" cannot compute (use a local: model)`, { code: "E_MODEL" });
    }
  });
}

function specOf(model: string | Provider): string {
  return typeof model === "string" ? model : model.id;
}

async function createProviders(models: (string | Provider)[], options: RunOptions, cwd: string): Promise<Provider[]> {
  const seen = new Set<string>();
  const out: Provider[] = [];
  try {
    for (const model of models) {
      const spec = specOf(model);
      if (seen.has(spec)) throw new UserError(`model "${spec}" is given twice`, { code: "E_MODEL" });
      seen.add(spec);
      if (typeof model === "string") {
        const provider = await createProvider(model, { cwd, configPath: options.config });
        owned.add(provider);
        out.push(provider);
      } else out.push(model);
    }
  } catch (error) {
    await closeOwned(out);
    throw error;
  }
  return out;
}

async function execute(
  db: Db,
  runId: number,
  loaded: LoadedTask[],
  modelSpecs: string[],
  providers: Provider[],
  options: RunOptions,
  seed: number,
  dbPath: string,
  resuming: boolean,
): Promise<RunResult> {
  const tasks = loaded.map((task) => prepareForRun(db, runId, task, resuming));
  const models: PreparedModel[] = providers.map((provider, i) => ({
    id: upsertModel(db, runId, modelSpecs[i], provider.id),
    spec: modelSpecs[i],
    provider,
    concurrency: Math.max(1, options.concurrency ?? provider.concurrency ?? 4),
  }));
  recordProvenance(db, runId, loaded);
  const write = trialWriter(db);
  const cache = options.cache === false ? undefined : responseCache(db);
  const isDone = resuming ? trialExistsQuery(db) : undefined;
  const total = countTrials(tasks, models);
  const alreadyDone = resuming ? storedTrialCount(db, runId) : 0;
  options.reporter?.onRunStart?.({ runId, db: dbPath, total, alreadyDone });
  const sink = batchingSink(write, cache?.putMany);
  fullCollection()(); // drop what loading and validating the data left behind
  let interrupted = false;
  try {
    await executeTrials(tasks, models, { seed, cache, sink, reporter: options.reporter, signal: options.signal, isDone, retryBaseDelayMs: options.retryBaseDelayMs });
  } finally {
    sink.flush();
    interrupted = options.signal?.aborted ?? false;
    setRunStatus(db, runId, interrupted ? "interrupted" : "done");
    options.reporter?.onRunEnd?.({ runId, interrupted });
  }
  const summary = runSummary(db, runId);
  const usage: ProviderUsage[] = [];
  for (const m of models) {
    const stats = (m.provider as { stats?: () => { promptTokens: number; prefillTokens: number; generatedTokens: number } | undefined }).stats?.();
    if (stats) usage.push({ model: m.spec, ...stats });
  }
  return { runId, db: dbPath, results: summary.results, trials: summary.trials, errors: summary.errors, interrupted, usage };
}

/**
 * Collects results and writes them in one transaction per 200 trials or 50 ms, whichever
 * comes first: short-lived batches keep results out of V8's old space, so memory stays flat.
 */
function batchingSink(write: (t: TrialRecord[]) => void, putCache?: (e: [string, string][]) => void) {
  let trials: TrialRecord[] = [];
  let cacheEntries: [string, string][] = [];
  let timer: NodeJS.Timeout | undefined;
  let sinceCollection = 0;
  const collect = fullCollection();
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (trials.length) write(trials);
    if (cacheEntries.length && putCache) putCache(cacheEntries);
    sinceCollection += trials.length;
    if (sinceCollection >= 10_000) {
      sinceCollection = 0;
      collect();
    }
    trials = [];
    cacheEntries = [];
  };
  return {
    add(trial: TrialRecord, entries: [string, string][]) {
      trials.push(trial);
      for (const e of entries) cacheEntries.push(e);
      if (trials.length >= 200) flush();
      else timer ??= setTimeout(flush, 50);
    },
    flush,
  };
}

function prepareForRun(db: Db, runId: number, task: LoadedTask, resuming: boolean): PreparedTask {
  const key = `${task.suite}/${task.id}`;
  const scorers = task.scorers.map((s) => {
    const scorer = scorerFactories[s.name](s.args);
    return { spec: s, scorer, name: s.label ?? scorer.name };
  });
  const strategySpecs = task.strategies.map((spec) => {
    const strategy = strategies[spec.kind];
    const g: GenerationSettings = { ...defaultGeneration, ...task.generation, ...strategy.defaultGeneration, ...spec.generation };
    return {
      spec,
      strategy,
      params: { temperature: g.temperature ?? 0, topK: g.top_k, topP: g.top_p, maxTokens: g.max_tokens ?? 256, stop: g.stop, seed: g.seed },
    };
  });
  const definition = { ...task, loadedItems: undefined, loadedExemplars: task.loadedExemplars.map((e) => e.key), items: undefined, file: undefined };
  const hash = createHash("sha256").update(JSON.stringify(definition));
  for (const item of task.loadedItems) hash.update(JSON.stringify([item.key, item.fields]));
  const definitionHash = hash.digest("hex");
  const ids = upsertTask(db, runId, {
    suite: task.suite,
    task: task.id,
    definition,
    sha256: definitionHash,
    strategies: strategySpecs.map((s) => ({ name: s.spec.label, kind: s.spec.kind, params: { options: s.spec.options, generation: s.params } })),
    scorers: scorers.map((s) => ({ name: s.name, args: s.spec, binary: s.scorer.binary === true, corpus: s.scorer.aggregate !== undefined })),
    items: task.loadedItems,
  });
  if (resuming && ids.sha256 !== definitionHash) {
    throw new UserError(`task ${key} (its definition or data) changed since the run started; start a new run`, { code: "E_RESUME" });
  }
  return {
    key,
    task,
    templates: taskTemplates(task),
    itemIds: ids.itemIds,
    strategies: strategySpecs.map((s) => ({ ...s, id: ids.strategyIds.get(s.spec.label)! })),
    scorers: scorers.map((s) => ({ id: ids.scorerIds.get(s.name)!, scorer: s.scorer })),
  };
}

function recordProvenance(db: Db, runId: number, tasks: LoadedTask[]): void {
  const suites = new Map<string, { suite: string; version: string; path: string; sha256: string }>();
  for (const t of tasks) {
    if (suites.has(t.suite)) continue;
    // A code-defined task has no file: hash its declaration (its items are covered by the task hash).
    const bytes = t.file ? readFileSync(t.file, "utf8") : JSON.stringify({ ...t, loadedItems: undefined, loadedExemplars: undefined, items: undefined });
    suites.set(t.suite, { suite: t.suite, version: t.suiteVersion, path: t.file ?? "(code)", sha256: sha256(bytes) });
  }
  const templates = new Map<string, string>();
  for (const t of tasks) {
    templates.set(`task:${t.suite}/${t.id}:prompt`, sha256(t.prompt));
    if (t.target !== undefined) templates.set(`task:${t.suite}/${t.id}:target`, sha256(t.target));
    for (const s of t.strategies) {
      const name = strategies[s.kind].template;
      templates.set(name, bundledTemplate(name).sha256);
    }
  }
  insertRunProvenance(db, runId, [...suites.values()], [...templates].map(([name, hash]) => ({ name, sha256: hash })));
}
