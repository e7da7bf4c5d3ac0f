// A trial scored by log-likelihood (as lm-evaluation-harness): multiple choice picks the most
// likely option; an `output_type: loglikelihood` task scores the target's likelihood (perplexity).
import type { Prompt } from "../provider/types.ts";
import { sha256 } from "../template/env.ts";
import { scoreTrial } from "./score-trial.ts";
import { retried } from "./retry.ts";
import type { PlannedTrial, TrialOptions, TrialOutcome } from "./types.ts";

/**
 * Multiple choice: each option's continuation is " " + option (lm-eval's default target
 * delimiter) and the pick is the most likely one. A `loglikelihood` task: the continuation is
 * the rendered target. The generation's output records each continuation's log-likelihood and
 * token count as JSON.
 */
export async function loglikelihoodTrial(planned: PlannedTrial, prompt: Prompt, options: TrialOptions): Promise<TrialOutcome> {
  const { task, item, strategy, model, sample } = planned;
  const multipleChoice = task.task.choices !== undefined;
  const choices = multipleChoice ? task.templates.choicesOf(item) : planned.targets.slice(0, 1);
  const continuations = multipleChoice ? choices.map((c) => ` ${c}`) : choices;
  const context = { task: task.key, item: item.key, strategy: strategy.spec.label, sample, signal: options.signal };
  const key =
    model.provider.cacheable === false || !options.cache
      ? undefined
      : sha256(JSON.stringify([model.cacheId, "loglikelihood", prompt.system ?? null, prompt.text, continuations]));
  const cacheEntries: [string, string][] = [];
  const base = { itemId: planned.itemId, strategyId: strategy.id, modelId: model.id, sample };
  const generation = { idx: 0, promptText: prompt.text, system: prompt.system };
  const event = { task: task.key, model: model.spec, strategy: strategy.spec.label, item: item.key };
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
    options.reporter?.onTrialResult?.({ ...event, status: "error", error: message, cached: false });
    const failed = {
      ...generation,
      output: null,
      answer: null,
      cached: false,
      attempts: (error as { attempts?: number }).attempts ?? 1,
      error: message,
    };
    return {
      record: { ...base, status: "error", output: null, answer: null, error: message, generations: [failed], scores: [] },
      cacheEntries,
    };
  }
  let pick = 0;
  for (let i = 1; i < results.length; i++) if (results[i].logprob > results[pick].logprob) pick = i;
  const answer = multipleChoice ? choices[pick] : null;
  const latencyMs = performance.now() - started;
  const inputTokens = results.reduce((n, r) => n + r.tokens, 0);
  const scores = await scoreTrial(task.scorers, {
    answer,
    output: answer ?? "",
    targets: planned.targets,
    item: item.fields,
    task: { id: task.task.id, choices: multipleChoice ? choices : undefined },
    choiceLoglikelihoods: results.map((r, i) => ({
      ...r,
      bytes: Buffer.byteLength(continuations[i]),
      chars: [...continuations[i]].length,
    })),
  });
  const recorded = JSON.stringify(results.map((r, i) => ({ choice: choices[i], logprob: r.logprob, tokens: r.tokens })));
  options.reporter?.onTrialResult?.({ ...event, status: "done", cached: hit !== undefined });
  return {
    record: {
      ...base,
      status: "done",
      output: answer,
      answer,
      latencyMs,
      inputTokens,
      generations: [
        {
          ...generation,
          output: recorded,
          answer,
          finishReason: "loglikelihood",
          cached: hit !== undefined,
          attempts,
          latencyMs,
          inputTokens,
        },
      ],
      scores,
    },
    cacheEntries,
  };
}
