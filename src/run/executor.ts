// Runs planned trials: bounded concurrency per model, response cache, retries, scoring,
// and batched writes. Memory stays flat: the plan is a generator and results are written
// as they come.
import type { GenerateParams, Generation, Prompt, Provider } from "../provider/types.ts";
import type { ScoreInput, ScoreResult, Scorer } from "../score/types.ts";
import { hashSeed } from "../stats/random.ts";
import type { Strategy } from "../strategy/types.ts";
import type { TaskTemplates } from "../suite/prepare.ts";
import type { Item, LoadedTask, StrategySpec } from "../suite/types.ts";
import { sha256 } from "../template/env.ts";
import type { TrialRecord, GenerationRecord } from "../store/trials.ts";
import type { Reporter } from "./reporter.ts";
import { withRetry } from "./retry.ts";

export interface PreparedStrategy {
  id: number;
  spec: StrategySpec;
  strategy: Strategy<any>;
  params: GenerateParams;
}

export interface PreparedTask {
  key: string;
  task: LoadedTask;
  templates: TaskTemplates;
  itemIds: Map<string, number>;
  strategies: PreparedStrategy[];
  scorers: { id: number; scorer: Scorer }[];
}

export interface PreparedModel {
  id: number;
  spec: string;
  provider: Provider;
  concurrency: number;
}

export interface ExecuteOptions {
  seed: number;
  cache?: { get(key: string): string | undefined };
  /** Receives finished trials and cache entries; flushes them in batches. */
  sink: ResultSink;
  reporter?: Reporter;
  signal?: AbortSignal;
  /** Skip a trial already stored (resume). */
  isDone?: (itemId: number, strategyId: number, modelId: number, sample: number) => boolean;
  retryBaseDelayMs?: number;
}

export interface ResultSink {
  add(trial: TrialRecord, cacheEntries: [string, string][]): void;
}

interface PlannedTrial {
  task: PreparedTask;
  item: Item;
  itemId: number;
  strategy: PreparedStrategy;
  model: PreparedModel;
  sample: number;
  /** hashSeed(run seed, task, item): the item's few-shot sampling seed (set by executeTrials). */
  itemSeed?: number;
}

/** The trials of a run, lazily: task x item x strategy x model x sample. */
export function* planTrials(tasks: PreparedTask[], models: PreparedModel[]): Generator<PlannedTrial> {
  for (const task of tasks)
    for (const item of task.task.loadedItems)
      for (const strategy of task.strategies)
        for (const model of models)
          for (let sample = 0; sample < task.task.repeats; sample++)
            yield { task, item, itemId: task.itemIds.get(item.key)!, strategy, model, sample };
}

/** How many trials `planTrials` yields. */
export function countTrials(tasks: PreparedTask[], models: PreparedModel[]): number {
  return tasks.reduce((n, t) => n + t.task.loadedItems.length * t.strategies.length * t.task.repeats, 0) * models.length;
}

/** Execute every planned trial not already done; resolves when all are written to the sink. */
export async function executeTrials(tasks: PreparedTask[], models: PreparedModel[], options: ExecuteOptions): Promise<void> {
  // Per model: calls running and trials waiting for a slot (a plain counter and queue; no
  // promise per trial beyond the trial's own).
  const lanes = new Map(models.map((m) => [m.id, { active: 0, concurrency: m.concurrency, waiting: [] as PlannedTrial[] }]));
  const maxInFlight = models.reduce((n, m) => n + m.concurrency, 0) * 2;
  // The planner waits while maxInFlight trials are in flight, and resumes once a quarter of
  // them are done: one wake-up per batch of trials instead of one per trial.
  const resumeAt = maxInFlight - Math.max(1, Math.floor(maxInFlight / 4));
  let inFlight = 0;
  let wake: (() => void) | undefined;
  let failure: unknown;
  const start = (planned: PlannedTrial, lane: { active: number; waiting: PlannedTrial[] }): void => {
    lane.active++;
    void run(planned, lane);
  };
  const run = async (planned: PlannedTrial, lane: { active: number; waiting: PlannedTrial[] }): Promise<void> => {
    try {
      const result = options.signal?.aborted ? undefined : await runTrial(planned, options);
      if (result) options.sink.add(result.record, result.cacheEntries);
    } catch (error) {
      failure ??= error;
    } finally {
      inFlight--;
      lane.active--;
      const next = lane.waiting.shift();
      if (next) start(next, lane);
      if (wake && (inFlight <= resumeAt || inFlight === 0)) {
        const w = wake;
        wake = undefined;
        w();
      }
    }
  };
  let lastItem: Item | undefined;
  let itemSeed = 0;
  for (const planned of planTrials(tasks, models)) {
    if (options.signal?.aborted || failure) break;
    if (options.isDone?.(planned.itemId, planned.strategy.id, planned.model.id, planned.sample)) continue;
    if (planned.item !== lastItem) {
      lastItem = planned.item;
      itemSeed = hashSeed(options.seed, planned.task.key, planned.item.key);
    }
    planned.itemSeed = itemSeed;
    while (inFlight >= maxInFlight) await new Promise<void>((resolve) => (wake = resolve));
    inFlight++;
    const lane = lanes.get(planned.model.id)!;
    if (lane.active < lane.concurrency) start(planned, lane);
    else lane.waiting.push(planned);
  }
  while (inFlight > 0) await new Promise<void>((resolve) => (wake = resolve));
  if (failure) throw failure;
}

type TrialOutcome = { record: TrialRecord; cacheEntries: [string, string][] } | undefined;

/** One trial; undefined when the run was interrupted mid-call (the trial stays not done, for resume). */
async function runTrial(planned: PlannedTrial, options: ExecuteOptions): Promise<TrialOutcome> {
  const { task, item, strategy, model, sample } = planned;
  const itemSeed = planned.itemSeed ?? hashSeed(options.seed, task.key, item.key);
  const prompt = strategy.strategy.render(
    item,
    { renderPrompt: task.templates.renderPrompt, targetsOf: task.templates.targetsOf, system: task.task.system, exemplars: task.task.loadedExemplars, seed: itemSeed },
    strategy.spec.options,
  );
  if (task.task.choices !== undefined || task.task.outputType === "loglikelihood") return loglikelihoodTrial(planned, prompt, options);
  const k = strategy.strategy.generationsPerTrial(strategy.spec.options);
  const generations: GenerationRecord[] = [];
  const cacheEntries: [string, string][] = [];
  const context = { task: task.key, item: item.key, strategy: strategy.spec.label, sample, signal: options.signal };
  let trialError: string | undefined;
  let anyCached = false;
  let costUsd: number | undefined;
  for (let idx = 0; idx < k; idx++) {
    // Greedy requests carry no seed; sampled ones a seed derived from the trial and generation.
    const params: GenerateParams =
      strategy.params.temperature > 0
        ? { ...strategy.params, seed: hashSeed(strategy.params.seed ?? options.seed, task.key, item.key, strategy.spec.label, sample, idx) }
        : greedyParams(strategy);
    const key = model.provider.cacheable === false || !options.cache ? undefined : sha256(JSON.stringify([model.provider.id, params, prompt.system ?? null, prompt.text]));
    let generation: Generation | undefined;
    let attempts = 0;
    let cached = false;
    const hit = key ? options.cache!.get(key) : undefined;
    if (hit !== undefined) {
      generation = JSON.parse(hit) as Generation;
      cached = anyCached = true;
    } else {
      try {
        const result = await retried(() => model.provider.generate(prompt, params, context), model, options);
        generation = result.value;
        attempts = result.attempts;
        if (key) cacheEntries.push([key, JSON.stringify(generation)]);
      } catch (error) {
        attempts = (error as { attempts?: number }).attempts ?? 1;
        if (options.signal?.aborted) return undefined;
        trialError = (error as Error).message || String(error);
        generations.push({ idx, promptText: prompt.text, system: prompt.system, output: null, answer: null, seed: params.seed, cached: false, attempts, error: trialError });
        break;
      }
    }
    if (generation.costUsd !== undefined) costUsd = (costUsd ?? 0) + generation.costUsd;
    generations.push({
      idx,
      promptText: prompt.text,
      system: prompt.system,
      output: generation.text,
      answer: strategy.strategy.extract(generation.text, strategy.spec.options),
      finishReason: generation.finishReason,
      seed: params.seed,
      cached,
      attempts,
      latencyMs: generation.latencyMs,
      inputTokens: generation.inputTokens,
      outputTokens: generation.outputTokens,
    });
  }
  const sums = (f: (g: GenerationRecord) => number | undefined) => generations.reduce<number | undefined>((s, g) => (f(g) === undefined ? s : (s ?? 0) + f(g)!), undefined);
  const base = {
    itemId: planned.itemId,
    strategyId: strategy.id,
    modelId: model.id,
    sample,
    generations,
    latencyMs: sums((g) => g.latencyMs),
    inputTokens: sums((g) => g.inputTokens),
    outputTokens: sums((g) => g.outputTokens),
    costUsd,
  };
  if (trialError !== undefined) {
    options.reporter?.onTrialResult?.({ task: task.key, model: model.spec, strategy: strategy.spec.label, item: item.key, status: "error", error: trialError, cached: anyCached });
    return { record: { ...base, status: "error", output: null, answer: null, error: trialError, scores: [] }, cacheEntries };
  }
  const chosen = strategy.strategy.reduce ? strategy.strategy.reduce(generations.map((g) => g.answer)) : 0;
  const output = generations[chosen].output ?? "";
  const answer = generations[chosen].answer;
  const scored = scoreTrial(task, { answer, output, targets: task.templates.targetsOf(item), item: item.fields, task: { id: task.task.id } });
  const scores = Array.isArray(scored) ? scored : await scored;
  options.reporter?.onTrialResult?.({ task: task.key, model: model.spec, strategy: strategy.spec.label, item: item.key, status: "done", cached: anyCached });
  return { record: { ...base, status: "done", output, answer, scores }, cacheEntries };
}

/** A provider call with the model's retry budget and the run's backoff. */
function retried<T>(call: () => Promise<T>, model: PreparedModel, options: ExecuteOptions) {
  return withRetry(call, { retries: model.provider.retries ?? 3, baseDelayMs: options.retryBaseDelayMs ?? 1000, maxDelayMs: 60_000, signal: options.signal });
}

/** A strategy's generation parameters without a seed (greedy requests), built once per strategy. */
const greedyCache = new WeakMap<PreparedStrategy, GenerateParams>();
function greedyParams(strategy: PreparedStrategy): GenerateParams {
  let params = greedyCache.get(strategy);
  if (!params) {
    const { seed: _seed, ...rest } = strategy.params;
    params = rest;
    greedyCache.set(strategy, params);
  }
  return params;
}

/**
 * Run every scorer of the task; a scorer that throws leaves the score unscored (null), with the
 * reason. Synchronous scorers (most metrics) are not awaited: a promise is returned only when a
 * scorer returns one.
 */
function scoreTrial(task: PreparedTask, input: ScoreInput): TrialRecord["scores"] | Promise<TrialRecord["scores"]> {
  const scores: TrialRecord["scores"] = [];
  for (let i = 0; i < task.scorers.length; i++) {
    const { id, scorer } = task.scorers[i];
    try {
      const result = scorer.score(input);
      if (result instanceof Promise) return scoreRest(task, input, scores, i, result);
      scores.push({ scorerId: id, value: result.value, explanation: result.explanation, stats: result.stats });
    } catch (error) {
      scores.push({ scorerId: id, value: null, explanation: `scorer failed: ${(error as Error).message}` });
    }
  }
  return scores;
}

/** scoreTrial from scorer `from` on, whose result is `pending`. */
async function scoreRest(task: PreparedTask, input: ScoreInput, scores: TrialRecord["scores"], from: number, pending: Promise<ScoreResult>): Promise<TrialRecord["scores"]> {
  for (let i = from; i < task.scorers.length; i++) {
    const { id, scorer } = task.scorers[i];
    try {
      const result = i === from ? await pending : await scorer.score(input);
      scores.push({ scorerId: id, value: result.value, explanation: result.explanation, stats: result.stats });
    } catch (error) {
      scores.push({ scorerId: id, value: null, explanation: `scorer failed: ${(error as Error).message}` });
    }
  }
  return scores;
}

/**
 * A trial scored by log-likelihood (as lm-evaluation-harness). Multiple choice: each
 * option's continuation is " " + option and the pick is the most likely one. A
 * `loglikelihood` task: the continuation is the rendered target (perplexity). The
 * generation's output records each continuation's log-likelihood and token count as JSON.
 */
async function loglikelihoodTrial(planned: PlannedTrial, prompt: Prompt, options: ExecuteOptions): Promise<TrialOutcome> {
  const { task, item, strategy, model, sample } = planned;
  const multipleChoice = task.task.choices !== undefined;
  const choices = multipleChoice ? task.templates.choicesOf(item) : task.templates.targetsOf(item).slice(0, 1);
  const continuations = multipleChoice ? choices.map((c) => ` ${c}`) : choices;
  const context = { task: task.key, item: item.key, strategy: strategy.spec.label, sample, signal: options.signal };
  const key = model.provider.cacheable === false || !options.cache ? undefined : sha256(JSON.stringify([model.provider.id, "loglikelihood", prompt.system ?? null, prompt.text, continuations]));
  const cacheEntries: [string, string][] = [];
  const base = { itemId: planned.itemId, strategyId: strategy.id, modelId: model.id, sample };
  const generation = { idx: 0, promptText: prompt.text, system: prompt.system };
  const hit = key ? options.cache!.get(key) : undefined;
  let results: { logprob: number; tokens: number }[];
  let attempts = 0;
  const started = performance.now();
  try {
    if (hit !== undefined) results = JSON.parse(hit);
    else {
      const result = await retried(() => model.provider.loglikelihood!(prompt, continuations, context), model, options);
      results = result.value;
      attempts = result.attempts;
      if (key) cacheEntries.push([key, JSON.stringify(results)]);
    }
  } catch (error) {
    if (options.signal?.aborted) return undefined;
    const message = (error as Error).message || String(error);
    options.reporter?.onTrialResult?.({ task: task.key, model: model.spec, strategy: strategy.spec.label, item: item.key, status: "error", error: message, cached: false });
    const failed = { ...generation, output: null, answer: null, cached: false, attempts: (error as { attempts?: number }).attempts ?? 1, error: message };
    return { record: { ...base, status: "error", output: null, answer: null, error: message, generations: [failed], scores: [] }, cacheEntries };
  }
  let pick = 0;
  for (let i = 1; i < results.length; i++) if (results[i].logprob > results[pick].logprob) pick = i;
  const answer = multipleChoice ? choices[pick] : null;
  const latencyMs = performance.now() - started;
  const inputTokens = results.reduce((n, r) => n + r.tokens, 0);
  const scores = await scoreTrial(task, {
    answer,
    output: answer ?? "",
    targets: task.templates.targetsOf(item),
    item: item.fields,
    task: { id: task.task.id, choices: multipleChoice ? choices : undefined },
    choiceLoglikelihoods: results.map((r, i) => ({ ...r, bytes: Buffer.byteLength(continuations[i]), chars: [...continuations[i]].length })),
  });
  const recorded = JSON.stringify(results.map((r, i) => ({ choice: choices[i], logprob: r.logprob, tokens: r.tokens })));
  options.reporter?.onTrialResult?.({ task: task.key, model: model.spec, strategy: strategy.spec.label, item: item.key, status: "done", cached: hit !== undefined });
  return {
    record: {
      ...base,
      status: "done",
      output: answer,
      answer,
      latencyMs,
      inputTokens,
      generations: [{ ...generation, output: recorded, answer, finishReason: "loglikelihood", cached: hit !== undefined, attempts, latencyMs, inputTokens }],
      scores,
    },
    cacheEntries,
  };
}
