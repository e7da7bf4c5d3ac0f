// runEval: the whole `assay run` as a library function, as a short list of steps: load and
// validate the tasks, create the models, open the store, register, plan, schedule, write,
// summarise. Each step is its own file in this folder.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { UserError } from "../errors.ts";
import { LimitedProvider } from "../provider/limits.ts";
import { isReplayProvider } from "../provider/replay.ts";
import type { Provider } from "../provider/types.ts";
import type { JudgeReport } from "../report/judge-summary.ts";
import { runSummary, type SummaryResult } from "../report/summary.ts";
import { responseCache } from "../store/cache.ts";
import { openStore, type Db } from "../store/db.ts";
import { rememberedFileHash, rememberFileHash } from "../store/file-hashes.ts";
import { startHeartbeat } from "../store/run-owner.ts";
import { insertRun, storedTrialCount, trySetRunStatus, type RecordedCommand } from "../store/runs.ts";
import { storeError, storeErrorCode } from "../store/store-error.ts";
import { prepareTasks } from "../suite/prepare.ts";
import { defaultSuitesDir, loadRegistry, Registry } from "../suite/registry.ts";
import type { LoadedTask, TaskDeclaration } from "../suite/types.ts";
import { assayVersion } from "../version.ts";
import { fullCollection } from "../memory.ts";
import { formatShard, parseShard, recordedShard } from "../merge/shard.ts";
import { checkCapabilities, closeOwned, createProviders, defaultModel, specOf } from "./models.ts";
import { countTrials, planTrials, type StoredTrialCheck } from "./plan.ts";
import { cacheIdentity, recordProvenance, weightsIdentity, type HashMemo } from "./provenance.ts";
import { bindJudge, judgeModelSpecs, prepareJudgeModels } from "./judges.ts";
import { judgePairs } from "./pairwise-phase.ts";
import { rejudgeFailed } from "./rejudge.ts";
import { itemRegistrar, registerModels, registerTask } from "./register.ts";
import type { Reporter } from "./reporter.ts";
import { reopenRun, resumableRun } from "./resume.ts";
import { scheduleTrials } from "./schedule.ts";
import { runTrial } from "./trial.ts";
import { trialSink, type TrialSink } from "./writer.ts";

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
  /**
   * `I/N` (1 <= I <= N): run only the items whose stable hash of (suite, task, item key) falls
   * in shard I of N; recorded with the run (`assay merge` joins the shards). A resumed run keeps its own.
   */
  shard?: string;
  /** Model config file (assay.config.yaml). */
  config?: string;
  /**
   * A model spec (or named model) every judge uses instead of the one its suite names, or a
   * Provider object of your own (recorded under its `id`).
   */
  judgeModel?: string | Provider;
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
  /** `I/N` when the run is one shard of a run split across machines. */
  shard?: string;
  /** Per local model: how much prompt prefill the prefix cache saved. */
  usage: ProviderUsage[];
  db: string;
  results: SummaryResult[];
  trials: number;
  errors: number;
  interrupted: boolean;
  /** What the reporter was told as warnings (broken suite files not selected, unused replay lines). */
  warnings: string[];
  /** Judge agreements, pairwise tallies and rankings. */
  judges: JudgeReport;
}

/** The tasks a run uses, and what the user should be warned of. */
interface Selected {
  tasks: LoadedTask[];
  warnings: string[];
}

/** Run (or resume) an evaluation and return its summary. */
export async function runEval(options: RunOptions = {}): Promise<RunResult> {
  const cwd = options.cwd ?? process.cwd();
  const dbPath = resolve(cwd, options.db ?? ".assay/assay.db");
  if (options.concurrency !== undefined && !(Number.isInteger(options.concurrency) && options.concurrency >= 1)) {
    throw new UserError(`concurrency must be a whole number of at least 1, got ${options.concurrency}`, { code: "E_OPTION" });
  }
  const shard = options.shard === undefined ? undefined : parseShard(options.shard);
  if (options.resume !== undefined) return resumeRun(options, cwd, dbPath);
  const models = options.models?.length ? options.models : [defaultModel()];
  const specs = models.map(specOf);
  const seed = options.seed ?? 0;
  // Everything is validated before the database is touched.
  const selected = await selectTasks(options, cwd);
  const providers = await createProviders(models, { cwd, config: options.config });
  let judgeProviders: Provider[] = [];
  let db: Db | undefined;
  try {
    judgeProviders = await createJudgeProviders(selected.tasks, specs, options.judgeModel, cwd, options.config);
    checkCapabilities(selected.tasks, providers, specs);
    db = openStore(dbPath);
    const command: RecordedCommand = {
      select: options.select ?? [],
      models: specs,
      suitesDir: options.tasks ? undefined : suitesDirOf(options, cwd),
      seed,
      limit: options.limit,
      concurrency: options.concurrency,
      cache: options.cache ?? true,
      config: options.config,
      judgeModel: options.judgeModel === undefined ? undefined : specOf(options.judgeModel),
      shard: shard && formatShard(shard),
    };
    const runId = insertRun(db, { assayVersion, seed, command });
    return await execute(db, runId, selected, specs, [...providers, ...judgeProviders], { ...options, seed }, dbPath);
  } finally {
    await closeOwned([...providers, ...judgeProviders]);
    closeQuietly(db);
  }
}

/** The judge models the tasks name that are not among the run's models (a model judging its own outputs is loaded once). */
function extraJudgeModels(tasks: LoadedTask[], specs: string[], override: string | Provider | undefined): string[] {
  return judgeModelSpecs(tasks, override === undefined ? undefined : specOf(override)).filter((spec) => !specs.includes(spec));
}

/** Providers for extraJudgeModels, in its order (appended after the candidates' providers). */
async function createJudgeProviders(
  tasks: LoadedTask[],
  specs: string[],
  override: string | Provider | undefined,
  cwd: string,
  config: string | undefined,
): Promise<Provider[]> {
  const extra = extraJudgeModels(tasks, specs, override);
  return createProviders(
    extra.map((spec) => (override !== undefined && typeof override !== "string" && spec === override.id ? override : spec)),
    { cwd, config },
  );
}

async function resumeRun(options: RunOptions, cwd: string, dbPath: string): Promise<RunResult> {
  if (!existsSync(dbPath)) throw new UserError("database not found", { location: dbPath, code: "E_RESUME" });
  const db = openStore(dbPath);
  let providers: Provider[] = [];
  let judgeProviders: Provider[] = [];
  try {
    const { run, command } = resumableRun(db, dbPath, {
      runId: options.resume!,
      models: options.models?.map(specOf),
      seed: options.seed,
      limit: options.limit,
      codeTasks: options.tasks !== undefined,
    });
    // The shard is part of what the run is: kept, and a different one refused.
    const shard = recordedShard(run);
    const asked = options.shard === undefined ? undefined : formatShard(parseShard(options.shard));
    if (asked !== undefined && asked !== (shard && formatShard(shard))) {
      throw new UserError(
        `run ${run.id} ${shard ? `is shard ${formatShard(shard)}` : "is not sharded"}; --shard ${asked} cannot change it (resume it without --shard)`,
        { code: "E_RESUME" },
      );
    }
    const merged = {
      ...options,
      shard: shard && formatShard(shard),
      select: command.select,
      suitesDir: command.suitesDir,
      limit: command.limit,
      concurrency: options.concurrency ?? command.concurrency,
      cache: options.cache ?? command.cache,
      config: options.config ?? command.config,
      judgeModel: options.judgeModel ?? command.judgeModel,
      seed: run.seed,
    };
    const selected = await selectTasks(merged, cwd);
    providers = await createProviders(options.models?.length ? options.models : command.models, { cwd, config: merged.config });
    judgeProviders = await createJudgeProviders(selected.tasks, command.models, merged.judgeModel, cwd, merged.config);
    const isStored = reopenRun(db, run.id);
    return await execute(db, run.id, selected, command.models, [...providers, ...judgeProviders], merged, dbPath, isStored);
  } finally {
    await closeOwned([...providers, ...judgeProviders]);
    closeQuietly(db);
  }
}

function suitesDirOf(options: RunOptions, cwd: string): string {
  return options.suitesDir ? resolve(cwd, options.suitesDir) : defaultSuitesDir(cwd);
}

/**
 * Load the registry, select tasks and validate their data (every task's problems at once).
 * Broken suite files the selectors could not mean are warnings, not errors.
 */
async function selectTasks(
  options: Pick<RunOptions, "select" | "suitesDir" | "tasks" | "limit" | "reporter">,
  cwd: string,
): Promise<Selected> {
  const registry = options.tasks ? new Registry(options.tasks) : await loadRegistry(suitesDirOf(options, cwd), cwd);
  const selectors = options.select ?? [];
  const tasks = prepareTasks(registry.select(selectors), cwd, { limit: options.limit });
  const warnings = registry.warnings(selectors);
  for (const w of warnings) options.reporter?.onWarning?.(w);
  return { tasks, warnings };
}

/** Load the registry, select tasks and validate their data (the tasks a run with these options would use). */
export async function loadSelectedTasks(
  options: Pick<RunOptions, "select" | "suitesDir" | "tasks" | "limit">,
  cwd: string,
): Promise<LoadedTask[]> {
  return (await selectTasks(options, cwd)).tasks;
}

/** Register, plan, schedule and write the run's trials, then summarise it. */
async function execute(
  db: Db,
  runId: number,
  selected: Selected,
  specs: string[],
  providers: Provider[],
  options: RunOptions & { seed: number },
  dbPath: string,
  isStored?: StoredTrialCheck,
): Promise<RunResult> {
  const stopHeartbeat = startHeartbeat(db, runId);
  const resuming = isStored !== undefined;
  const shard = options.shard === undefined ? undefined : parseShard(options.shard);
  let failure: { error: unknown } | undefined;
  let sink: TrialSink | undefined;
  let models: Awaited<ReturnType<typeof prepareModels>> = [];
  const providerNotices = [...new Set(providers.flatMap((p) => p.notices ?? []))];
  for (const note of providerNotices) options.reporter?.onWarning?.(note);
  try {
    const candidates = providers.slice(0, specs.length);
    models = await prepareModels(db, runId, specs, candidates, options.concurrency);
    const cache = options.cache === false ? undefined : responseCache(db);
    const bySpec = new Map<string, Provider>(specs.map((spec, i) => [spec, candidates[i]]));
    const extra = extraJudgeModels(selected.tasks, specs, options.judgeModel);
    for (let i = 0; i < extra.length; i++) bySpec.set(extra[i], providers[specs.length + i]);
    const judgeOverride = options.judgeModel === undefined ? undefined : specOf(options.judgeModel);
    const judgeModels = await prepareJudgeModels(bySpec, selected.tasks, judgeOverride, hashMemo(db));
    const judgeContext = {
      db,
      runId,
      models: judgeModels,
      cache,
      seed: options.seed,
      signal: options.signal,
      retryBaseDelayMs: options.retryBaseDelayMs,
    };
    const tasks = selected.tasks.map((task) =>
      registerTask(db, runId, task, resuming, (scorer) => bindJudge(scorer, judgeOverride, judgeContext)),
    );
    recordProvenance(db, runId, selected.tasks);
    sink = trialSink(db, { cache: cache !== undefined });
    const total = countTrials(tasks, models, shard);
    options.reporter?.onRunStart?.({ runId, db: dbPath, total, alreadyDone: resuming ? storedTrialCount(db, runId) : 0 });
    fullCollection(); // drop what loading and validating the data left behind
    const trialOptions = {
      seed: options.seed,
      cache,
      reporter: options.reporter,
      signal: options.signal,
      retryBaseDelayMs: options.retryBaseDelayMs,
    };
    const trials = planTrials(tasks, models, { seed: options.seed, isStored, shard, registerItems: itemRegistrar(db, !resuming) });
    const write = sink;
    await scheduleTrials(
      trials,
      models,
      async (trial, generated) => {
        const outcome = await runTrial(trial, trialOptions, generated);
        if (outcome) write.add(outcome.record, outcome.cacheEntries);
      },
      options.signal,
      [...judgeModels.values()].reduce((n, m) => n + m.concurrency, 0),
    );
    sink.flush(); // the pairwise judges read the trials back
    if (resuming) await rejudgeFailed(db, runId, tasks, { cache: cache !== undefined, signal: options.signal });
    await judgePairs(db, tasks, { seed: options.seed, cache: cache !== undefined, signal: options.signal });
  } catch (error) {
    failure = { error };
  }
  // What finished is written even when the run failed; the first error is the one reported.
  try {
    sink?.flush();
  } catch (error) {
    failure ??= { error };
  }
  stopHeartbeat();
  const interrupted = options.signal?.aborted ?? false;
  const reason = failure ? (storeErrorCode(failure.error) === "E_DB_FULL" ? "the disk was full" : firstLine(failure.error)) : undefined;
  trySetRunStatus(db, runId, failure || interrupted ? "interrupted" : "done", reason);
  options.reporter?.onRunEnd?.({ runId, interrupted: interrupted || failure !== undefined });
  if (failure) throw storeError(failure.error, dbPath);
  const warnings = [...selected.warnings, ...providerNotices];
  // Replay lines no trial used are worth a warning only when every trial ran (a shard leaves the other shards' lines).
  if (!interrupted && !resuming && options.limit === undefined && shard === undefined) {
    for (const p of providers) {
      const inner = p instanceof LimitedProvider ? p.inner : p;
      if (!isReplayProvider(inner)) continue;
      for (const note of inner.unusedLines()) {
        warnings.push(note);
        options.reporter?.onWarning?.(note);
      }
    }
  }
  const summary = runSummary(db, runId, { seed: options.seed });
  const usage: ProviderUsage[] = [];
  for (const m of models) {
    const stats = (
      m.provider as { stats?: () => { promptTokens: number; prefillTokens: number; generatedTokens: number } | undefined }
    ).stats?.();
    if (stats) usage.push({ model: m.spec, ...stats });
  }
  return {
    runId,
    shard: options.shard,
    db: dbPath,
    results: summary.results,
    trials: summary.trials,
    errors: summary.errors,
    interrupted,
    usage,
    warnings,
    judges: summary.judges,
  };
}

/** Identify each model (a local model by its weights' hash, remembered in the store) and register it. */
async function prepareModels(db: Db, runId: number, specs: string[], providers: Provider[], concurrency: number | undefined) {
  const memo = hashMemo(db);
  const identified = [];
  for (let i = 0; i < providers.length; i++) {
    const provider = providers[i];
    const weights = provider.weightsFile ? await weightsIdentity(provider.weightsFile, memo) : undefined;
    const draft = provider.draftFile ? await weightsIdentity(provider.draftFile, memo) : undefined;
    identified.push({ spec: specs[i], provider, weights, cacheId: cacheIdentity(provider, weights, draft) });
  }
  return registerModels(db, runId, identified, concurrency);
}

/** Weights hashes remembered in the store by (path, size, mtime). */
function hashMemo(db: Db): HashMemo {
  return { get: (file) => rememberedFileHash(db, file), set: (file) => rememberFileHash(db, file) };
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0];
}

function closeQuietly(db: Db | undefined): void {
  try {
    db?.close();
  } catch {
    // closing after a failed write (disk full) may fail again; the first error is reported
  }
}
