// One trial's life: render the prompt, answer it from the response cache or the model (with
// retries), extract the answer from each generation, vote (self-consistency), and score.
import type { GenerateParams, Generation } from "../provider/types.ts";
import type { GenerationRecord, TrialRecord } from "../store/trials.ts";
import type { ScoreInput } from "../score/types.ts";
import { hashSeed } from "../stats/random.ts";
import { sha256 } from "../template/env.ts";
import { loglikelihoodTrial } from "./loglikelihood-trial.ts";
import { retried } from "./retry.ts";
import { scoreTrial } from "./score-trial.ts";
import type { PlannedTrial, PreparedScorer, PreparedStrategy, TrialOptions, TrialOutcome } from "./types.ts";

/**
 * Run one trial; undefined when the run was interrupted mid-call (the trial stays not done, for
 * resume). `generated` is called once the model's calls are over, before scoring: the model's
 * slot is free while a judge scores the trial.
 */
export async function runTrial(planned: PlannedTrial, options: TrialOptions, generated?: () => void): Promise<TrialOutcome> {
  if (options.signal?.aborted) return undefined;
  const { task, item, strategy, model, sample } = planned;
  const prompt = strategy.strategy.render(
    item,
    {
      renderPrompt: task.templates.renderPrompt,
      targetsOf: task.templates.targetsOf,
      system: task.task.system,
      exemplars: task.task.loadedExemplars,
      seed: planned.itemSeed,
    },
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
    const key =
      model.provider.cacheable === false || !options.cache
        ? undefined
        : sha256(JSON.stringify([model.cacheId, params, prompt.system ?? null, prompt.text]));
    let generation: Generation;
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
        if (options.signal?.aborted) return undefined;
        trialError = (error as Error).message || String(error);
        generations.push({
          idx,
          promptText: prompt.text,
          system: prompt.system,
          output: null,
          answer: null,
          seed: params.seed,
          cached: false,
          attempts: (error as { attempts?: number }).attempts ?? 1,
          error: trialError,
        });
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
      ttftMs: generation.ttftMs,
      prefillTokens: generation.prefillTokens,
      draftAccepted: generation.draftAccepted,
      draftProposed: generation.draftProposed,
    });
  }
  const base = {
    itemId: planned.itemId,
    strategyId: strategy.id,
    modelId: model.id,
    sample,
    generations,
    latencyMs: sumOf(generations, (g) => g.latencyMs),
    inputTokens: sumOf(generations, (g) => g.inputTokens),
    outputTokens: sumOf(generations, (g) => g.outputTokens),
    costUsd,
    ttftMs: generations[0]?.ttftMs,
    prefillTokens: sumOf(generations, (g) => g.prefillTokens),
    draftAccepted: sumOf(generations, (g) => g.draftAccepted),
    draftProposed: sumOf(generations, (g) => g.draftProposed),
  };
  const report = options.reporter?.onTrialResult;
  if (trialError !== undefined) {
    report?.({
      task: task.key,
      model: model.spec,
      strategy: strategy.spec.label,
      item: item.key,
      cached: anyCached,
      status: "error",
      error: trialError,
    });
    return { record: { ...base, status: "error", output: null, answer: null, error: trialError, scores: [] }, cacheEntries };
  }
  generated?.();
  const input: ScoreInput = {
    answer: null,
    output: "",
    targets: planned.targets,
    item: item.fields,
    task: { id: task.task.id },
    itemKey: item.key,
    strategy: strategy.spec.label,
    prompt: task.needsPrompt ? task.templates.renderPrompt(item.fields) : undefined,
  };
  let chosen = strategy.strategy.reduce ? strategy.strategy.reduce(generations.map((g) => g.answer)) : 0;
  let selected: TrialRecord["scores"][number] | undefined;
  const select = (strategy.spec.options.select as { scorer?: string } | undefined)?.scorer;
  if (select !== undefined) {
    const selector = task.scorers.find((s) => s.name === select)!;
    const picked = await selectBest(selector, generations, input, cacheEntries);
    chosen = picked.index;
    selected = picked.score;
  }
  const output = generations[chosen].output ?? "";
  const answer = generations[chosen].answer;
  input.output = output;
  input.answer = answer;
  const scorers = selected ? task.scorers.filter((s) => s.id !== selected.scorerId) : task.scorers;
  const scored = scoreTrial(scorers, input);
  const scores = Array.isArray(scored) ? scored : await scored;
  if (selected) scores.push(selected);
  // A judge call cut short by an interrupt: the trial stays not done (resume judges it again).
  if (task.needsPrompt && options.signal?.aborted) return undefined;
  for (const s of scores) if (s.cacheEntries) for (const e of s.cacheEntries) cacheEntries.push(e);
  report?.({ task: task.key, model: model.spec, strategy: strategy.spec.label, item: item.key, cached: anyCached, status: "done" });
  return { record: { ...base, status: "done", output, answer, scores }, cacheEntries };
}

function sumOf(generations: GenerationRecord[], field: (g: GenerationRecord) => number | undefined): number | undefined {
  let sum: number | undefined;
  for (const g of generations) {
    const x = field(g);
    if (x !== undefined) sum = (sum ?? 0) + x;
  }
  return sum;
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
 * best-of-n: score every sample with the selecting scorer and pick the highest (unscored
 * samples rank last; ties go to the sample drawn first). Each sample's score is recorded on its
 * generation; the chosen sample's score row (with its judgments) is the trial's.
 */
async function selectBest(
  selector: PreparedScorer,
  generations: GenerationRecord[],
  input: ScoreInput,
  cacheEntries: [string, string][],
): Promise<{ index: number; score: TrialRecord["scores"][number] }> {
  const rows: TrialRecord["scores"][number][] = [];
  for (const g of generations) {
    const scored = scoreTrial([selector], { ...input, answer: g.answer, output: g.output ?? "" });
    const [row] = Array.isArray(scored) ? scored : await scored;
    g.selection = row.value;
    if (row.cacheEntries) for (const e of row.cacheEntries) cacheEntries.push(e);
    row.cacheEntries = undefined;
    rows.push(row);
  }
  let best = 0;
  for (let i = 1; i < rows.length; i++) if ((rows[i].value ?? -Infinity) > (rows[best].value ?? -Infinity)) best = i;
  return { index: best, score: rows[best] };
}
