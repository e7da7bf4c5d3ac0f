// runEval: the whole `assay run` as a library function, as a short list of steps: load and
// validate the tasks, create the models, open the store, register, plan, schedule, write,
// summarise. Each step is its own file in this folder.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Provider } from "../provider/types.ts";
import { runSummary, type SummaryResult } from "../report/summary.ts";
import { openStore, type Db } from "../store/db.ts";
import { insertRun, setRunStatus, storedTrialCount } from "../store/runs.ts";
import { defaultSuitesDir, loadRegistry, Registry } from "../suite/registry.ts";
import { prepareTask } from "../suite/prepare.ts";
import type { LoadedTask, TaskDeclaration } from "../suite/types.ts";
import { assayVersion } from "../version.ts";
import { UserError } from "../errors.ts";
import { fullCollection } from "./memory.ts";
import { checkCapabilities, closeOwned, createProviders, defaultModel, specOf } from "./models.ts";
import { countTrials, planTrials, type StoredTrialCheck } from "./plan.ts";
import { cacheIdentities, recordProvenance } from "./provenance.ts";
import { registerModels, registerTask } from "./register.ts";
import type { Reporter } from "./reporter.ts";
import { reopenRun, resumableRun, type RecordedCommand } from "./resume.ts";
import { scheduleTrials } from "./schedule.ts";
import { runTrial } from "./trial.ts";
import { trialSink } from "./writer.ts";
import { responseCache } from "../store/cache.ts";

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
  /** Seed for every random choice (few-shot sampling, sampling seeds). Default 0; a resumed run keeps its own. */
  seed?: number;
  /** Concurrent calls per model (overrides the provider's default); at least 1. */
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

/** Run (or resume) an evaluation and return its summary. */
export async function runEval(options: RunOptions = {}): Promise<RunResult> {
  const cwd = options.cwd ?? process.cwd();
  const dbPath = resolve(cwd, options.db ?? ".assay/assay.db");
  if (options.concurrency !== undefined && !(Number.isInteger(options.concurrency) && options.concurrency >= 1)) {
    throw new UserError(`concurrency must be a whole number of at least 1, got ${options.concurrency}`, { code: "E_OPTION" });
  }
  if (options.resume !== undefined) return resumeRun(options, cwd, dbPath);
  const models = options.models?.length ? options.models : [defaultModel()];
  const specs = models.map(specOf);
  const seed = options.seed ?? 0;
  // Everything is validated before the database is touched.
  const tasks = await loadSelectedTasks(options, cwd);
  const providers = await createProviders(models, { cwd, config: options.config });
  let db: Db | undefined;
  try {
    checkCapabilities(tasks, providers, specs);
    db = openStore(dbPath);
    const command: RecordedCommand = { select: options.select ?? [], models: specs, suitesDir: options.tasks ? undefined : suitesDirOf(options, cwd), seed, limit: options.limit, concurrency: options.concurrency, cache: options.cache ?? true, config: options.config };
    const runId = insertRun(db, { assayVersion, seed, command });
    return await execute(db, runId, tasks, specs, providers, { ...options, seed }, dbPath);
  } finally {
    await closeOwned(providers);
    db?.close();
  }
}

async function resumeRun(options: RunOptions, cwd: string, dbPath: string): Promise<RunResult> {
  if (!existsSync(dbPath)) throw new UserError("database not found", { location: dbPath, code: "E_RESUME" });
  const db = openStore(dbPath);
  let providers: Provider[] = [];
  try {
    const { run, command } = resumableRun(db, dbPath, { runId: options.resume!, models: options.models?.map(specOf), seed: options.seed, limit: options.limit, codeTasks: options.tasks !== undefined });
    const merged: RunOptions & { seed: number } = { ...options, select: command.select, suitesDir: command.suitesDir, limit: command.limit, concurrency: options.concurrency ?? command.concurrency, cache: options.cache ?? command.cache, config: options.config ?? command.config, seed: run.seed };
    const tasks = await loadSelectedTasks(merged, cwd);
    providers = await createProviders(options.models?.length ? options.models : command.models, { cwd, config: merged.config });
    const isStored = reopenRun(db, run.id);
    return await execute(db, run.id, tasks, command.models, providers, merged, dbPath, isStored);
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

/** Register, plan, schedule and write the run's trials, then summarise it. */
async function execute(
  db: Db,
  runId: number,
  loaded: LoadedTask[],
  specs: string[],
  providers: Provider[],
  options: RunOptions & { seed: number },
  dbPath: string,
  isStored?: StoredTrialCheck,
): Promise<RunResult> {
  const resuming = isStored !== undefined;
  const tasks = loaded.map((task) => registerTask(db, runId, task, resuming));
  const identities = await cacheIdentities(providers);
  const models = registerModels(db, runId, specs, providers, options.concurrency, identities.cacheIds);
  recordProvenance(db, runId, loaded);
  const cache = options.cache === false ? undefined : responseCache(db);
  const sink = trialSink(db, { cache: cache !== undefined });
  const total = countTrials(tasks, models);
  options.reporter?.onRunStart?.({ runId, db: dbPath, total, alreadyDone: resuming ? storedTrialCount(db, runId) : 0 });
  fullCollection(); // drop what loading and validating the data left behind
  const trialOptions = { seed: options.seed, cache, reporter: options.reporter, signal: options.signal, retryBaseDelayMs: options.retryBaseDelayMs };
  let failure: { error: unknown } | undefined;
  try {
    await scheduleTrials(planTrials(tasks, models, { seed: options.seed, isStored }), models, async (trial) => {
      const outcome = await runTrial(trial, trialOptions);
      if (outcome) sink.add(outcome.record, outcome.cacheEntries);
    }, options.signal);
  } catch (error) {
    failure = { error };
  }
  // What finished is written even when the run failed; the first error is the one reported.
  try {
    sink.flush();
  } catch (error) {
    failure ??= { error };
  }
  const interrupted = options.signal?.aborted ?? false;
  try {
    setRunStatus(db, runId, failure || interrupted ? "interrupted" : "done");
  } catch (error) {
    failure ??= { error };
  }
  options.reporter?.onRunEnd?.({ runId, interrupted: interrupted || failure !== undefined });
  if (failure) throw failure.error;
  const summary = runSummary(db, runId, { seed: options.seed });
  const usage: ProviderUsage[] = [];
  for (const m of models) {
    const stats = (m.provider as { stats?: () => { promptTokens: number; prefillTokens: number; generatedTokens: number } | undefined }).stats?.();
    if (stats) usage.push({ model: m.spec, ...stats });
  }
  return { runId, db: dbPath, results: summary.results, trials: summary.trials, errors: summary.errors, interrupted, usage };
}
