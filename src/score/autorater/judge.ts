// The judge scorer: renders its rubric around the fenced trial, asks the judge model (through
// the response cache, with retries, within the judge model's own concurrency), reads each
// sample's verdict exactly, and reduces the samples to one score in [0, 1]. Every call becomes
// a stored judgment; an unreadable or failed one is unscored, never a pass or a fail.
import { createHash } from "node:crypto";
import type { GenerateParams, Generation, Provider } from "../../provider/types.ts";
import { withRetry } from "../../run/retry.ts";
import { hashSeed } from "../../stats/random.ts";
import type { JudgmentRecord } from "../../store/judgments.ts";
import type { ScoreInput, ScoreResult, Scorer } from "../types.ts";
import { cacheKeyBoundary, fence, newBoundary } from "./fence.ts";
import { type JudgeConfig, judgeConfig } from "./judge-options.ts";
import { renderRubric } from "./rubric.ts";
import { normalise, readJsonVerdict, readPatternVerdict, type Reading, verdictFormat, verdictSchema, verdictScore } from "./verdict.ts";
import { weightVerdict } from "./weighting.ts";

/** What a judge needs from the run: its model, the cache, the seed, retries and a concurrency slot. */
export interface JudgeRuntime {
  /** The judge model: its provider and what identifies its answers in the cache. */
  model: { spec: string; provider: Provider; cacheId: string };
  /** The judge's row in the store (judgments point to it). */
  judgeId: number;
  cache?: { get(key: string): string | undefined };
  seed: number;
  signal?: AbortSignal;
  retryBaseDelayMs?: number;
  /** Runs a call within the judge model's concurrency. */
  limit<T>(call: () => Promise<T>): Promise<T>;
}

/** A score with the judgments behind it and the cache entries its calls produced. */
export interface JudgedResult extends ScoreResult {
  judgments: JudgmentRecord[];
  cacheEntries: [string, string][];
}

/**
 * The variables every rubric gets besides the fenced texts. The verdict format follows the
 * method in force (a defaulted one included): a likelihood judge scores " correct" after the
 * prompt, so its prompt must ask for that word, not for JSON.
 */
function kindVariables(config: JudgeConfig, method: "likelihood" | "generate"): Record<string, unknown> {
  const k = config.kind;
  return {
    verdict_format:
      method === "likelihood"
        ? `Answer with one word: ${Object.keys((k as { choices: Record<string, number> }).choices).join(" or ")}.`
        : verdictFormat(k, config.args.pattern),
    ...(k.kind === "scale" ? { scale_lo: k.lo, scale_hi: k.hi } : {}),
    ...(k.kind === "choices" ? { choices: Object.keys(k.choices) } : {}),
  };
}

/** The judge scorer: built from a suite's options; `bind` gives it a run to call its model in. */
export class JudgeScorer implements Scorer {
  readonly name: string;
  readonly spec: { name: string; args: Record<string, unknown> };
  readonly binary: boolean;
  readonly config: JudgeConfig;
  readonly pairwise: boolean;
  private runtime?: JudgeRuntime;
  /** The kind variables per method (the method is known once the judge is bound to its model). */
  private readonly fixed = new Map<string, Record<string, unknown>>();
  private memoParams?: GenerateParams;
  private readonly useReference: boolean;

  constructor(args: Record<string, unknown>, dir?: string, pairwise = false) {
    this.config = judgeConfig(args, dir, pairwise);
    this.pairwise = pairwise;
    this.name = `${pairwise ? "pairwise" : "judge"}:${this.config.rubric.name}`;
    this.spec = { name: pairwise ? "pairwise" : "judge", args: this.config.args };
    const k = this.config.kind;
    // Pass/fail (a Wilson interval) only when every value is 0 or 1: one sample, 0/1 choices, no log-prob weighting.
    this.binary =
      k.kind === "choices" &&
      Object.values(k.choices).every((v) => v === 0 || v === 1) &&
      this.config.args.samples === 1 &&
      this.config.args.weighting !== "logprobs";
    this.useReference = this.config.args.reference ?? this.config.rubric.needs.includes("reference");
  }

  /** The judge's model spec as the suite wrote it. */
  get model(): string {
    return this.config.args.model;
  }

  /** Connect the judge to a run. */
  bind(runtime: JudgeRuntime): this {
    this.runtime = runtime;
    return this;
  }

  /** Generation parameters of the judge's calls (before a sample's seed); built once, frozen (every call shares them). */
  params(): GenerateParams {
    this.memoParams ??= Object.freeze(this.buildParams());
    return this.memoParams;
  }

  private buildParams(): GenerateParams {
    const a = this.config.args;
    const g = a.generation ?? {};
    const params: GenerateParams = {
      temperature: g.temperature ?? (a.samples > 1 ? 1 : 0),
      maxTokens: g.max_tokens ?? 1024,
    };
    if (g.top_k !== undefined) params.topK = g.top_k;
    if (g.top_p !== undefined) params.topP = g.top_p;
    if (g.stop !== undefined) params.stop = g.stop;
    if (g.seed !== undefined) params.seed = g.seed;
    if (a.pattern === undefined && a.method !== "likelihood") params.responseSchema = verdictSchema(this.config.kind);
    if (a.weighting === "logprobs" && a.method !== "likelihood") {
      params.logprobs = true;
      params.topLogprobs = a.top_logprobs;
    }
    return params;
  }

  /**
   * What names this judge exactly: rubric template, model identity and parameters. `provider`
   * is the judge model's: the method a judge defaults to depends on it (likelihood for a local
   * choices judge), and before binding nothing else tells.
   */
  identity(modelCacheId: string, provider?: Provider): string {
    const a = this.config.args;
    const defining = {
      template: this.config.rubric.sha256,
      model: modelCacheId,
      kind: this.config.kind,
      params: this.params(),
      samples: a.samples,
      reduce: this.config.reduce,
      weighting: a.weighting,
      method: this.method(provider),
      pattern: a.pattern ?? null,
      system: a.system ?? null,
      reference: this.useReference,
      context: a.context ?? null,
      criteria: a.criteria ?? null,
      rating_rubric: a.rating_rubric ?? null,
    };
    return createHash("sha256").update(JSON.stringify(defining)).digest("hex");
  }

  /** `likelihood` (score every choice, read nothing) or `generate`. */
  method(provider?: Provider): "likelihood" | "generate" {
    const a = this.config.args;
    if (a.method) return a.method;
    const p = provider ?? this.runtime?.model.provider;
    return this.config.kind.kind === "choices" && a.pattern === undefined && p?.loglikelihood !== undefined && p.id.startsWith("local:")
      ? "likelihood"
      : "generate";
  }

  async score(input: ScoreInput): Promise<JudgedResult> {
    const { judgments, cacheEntries } = await this.judge(input, { output: input.output, answer: input.answer ?? "" }, input.strategy ?? "");
    return { ...this.reduce(judgments), judgments, cacheEntries };
  }

  /**
   * A pairwise judge on two responses to the same item: A is shown first. Its judgments'
   * verdicts are "A", "B" or "tie" (null when unreadable). `pair` names the two contestants
   * (it seeds sampled calls).
   */
  judgePair(
    input: ScoreInput,
    a: { output: string; answer: string | null },
    b: { output: string; answer: string | null },
    pair: string,
  ): Promise<{ judgments: JudgmentRecord[]; cacheEntries: [string, string][] }> {
    return this.judge(input, { output_a: a.output, answer_a: a.answer ?? "", output_b: b.output, answer_b: b.answer ?? "" }, pair);
  }

  /** Every sample of one judgment: the texts fenced with a fresh boundary, the calls made (or found in the cache) and read. */
  private async judge(
    input: ScoreInput,
    texts: Record<string, string>,
    seedKey: string,
  ): Promise<{ judgments: JudgmentRecord[]; cacheEntries: [string, string][] }> {
    const runtime = this.runtime;
    if (!runtime) throw new Error("a judge scores only inside a run (it was not bound to a judge model)");
    const calls: Promise<{ judgment: Omit<JudgmentRecord, "judgeId">; cacheEntry?: [string, string] }>[] = [];
    const boundary = newBoundary();
    const prompt = this.render(input, texts, boundary);
    // The prompt with the fixed boundary, for the cache key: the random boundary appears in the
    // prompt only in the fence markers (a text cannot hold it: it is drawn after the texts exist).
    const keyPrompt = prompt.text.replaceAll(boundary, cacheKeyBoundary);
    for (let sample = 0; sample < this.config.args.samples; sample++)
      calls.push(this.judgeOnce(runtime, input, prompt, keyPrompt, sample, seedKey));
    const done = await Promise.all(calls);
    return {
      judgments: done.map((d) => Object.assign(d.judgment, { judgeId: runtime.judgeId })),
      cacheEntries: done.flatMap((d) => (d.cacheEntry ? [d.cacheEntry] : [])),
    };
  }

  /** The rendered judge prompt with every untrusted text (`input`, `texts`, reference, context) fenced with `boundary`. */
  render(input: ScoreInput, texts: Record<string, string>, boundary: string): { text: string; neutralised: boolean } {
    let neutralised = false;
    const fenced = (text: string) => {
      const f = fence(text, boundary);
      neutralised ||= f.neutralised;
      return f.text;
    };
    const method = this.method();
    let fixed = this.fixed.get(method);
    if (!fixed) {
      fixed = kindVariables(this.config, method);
      this.fixed.set(method, fixed);
    }
    const vars: Record<string, unknown> = { ...fixed, input: fenced(input.prompt ?? "") };
    for (const [name, text] of Object.entries(texts)) vars[name] = fenced(text);
    if (this.useReference) {
      if (input.targets.length === 0) throw new Error("the judge is reference-guided but the item has no target");
      vars.reference = fenced(input.targets.join("\n---\n"));
    }
    const field = this.config.args.context;
    if (field !== undefined) {
      const value = input.item[field];
      if (value === undefined || value === null) throw new Error(`the item has no "${field}" field for the judge's context`);
      vars.context = fenced(typeof value === "string" ? value : JSON.stringify(value));
    }
    return { text: renderRubric(this.config.rubric, vars), neutralised };
  }

  private async judgeOnce(
    runtime: JudgeRuntime,
    input: ScoreInput,
    prompt: { text: string; neutralised: boolean },
    keyPrompt: string,
    sample: number,
    seedKey: string,
  ): Promise<{ judgment: Omit<JudgmentRecord, "judgeId">; cacheEntry?: [string, string] }> {
    const { provider, cacheId } = runtime.model;
    const system = this.config.args.system;
    const base = this.params();
    const params: GenerateParams =
      base.temperature > 0
        ? { ...base, seed: hashSeed(base.seed ?? runtime.seed, input.task?.id ?? "", input.itemKey ?? "", seedKey, sample) }
        : base;
    const method = this.method(provider);
    const context = {
      task: input.task?.id ?? "",
      item: input.itemKey ?? "",
      strategy: `${this.name}:${seedKey}`,
      sample,
      signal: runtime.signal,
    };
    const key =
      provider.cacheable === false || !runtime.cache
        ? undefined
        : // The prompt is hashed after the JSON of the rest (a complete JSON value, so the split is
          // unambiguous) rather than inside it: JSON-escaping a 4 KB prompt cost more than hashing it.
          createHash("sha256")
            .update(JSON.stringify([cacheId, method, params, system ?? null]))
            .update(keyPrompt)
            .digest("hex");
    const record = { sample, prompt: prompt.text, system, neutralised: prompt.neutralised };
    if (method === "likelihood") return this.likelihoodJudgment(runtime, record, key, context);
    let generation: Generation;
    let cached = false;
    let attempts = 0;
    const hit = key ? runtime.cache!.get(key) : undefined;
    if (hit !== undefined) {
      generation = JSON.parse(hit) as Generation;
      cached = true;
    } else {
      try {
        const result = await runtime.limit(() =>
          withRetry(() => provider.generate({ system, text: prompt.text }, params, context), {
            retries: provider.retries ?? 3,
            baseDelayMs: runtime.retryBaseDelayMs ?? 1000,
            maxDelayMs: 60_000,
            signal: runtime.signal,
          }),
        );
        generation = result.value;
        attempts = result.attempts;
      } catch (error) {
        if (runtime.signal?.aborted) throw error;
        return { judgment: failedJudgment(record, error) };
      }
    }
    const judgment = this.read(generation, record, cached, attempts);
    return { judgment, cacheEntry: key && !cached ? [key, JSON.stringify(generation)] : undefined };
  }

  private read(
    generation: Generation,
    record: { sample: number; prompt: string; system?: string; neutralised: boolean },
    cached: boolean,
    attempts: number,
  ): Omit<JudgmentRecord, "judgeId"> {
    const kind = this.config.kind;
    const reply = generation.text;
    const reading: Reading = this.config.pattern
      ? readPatternVerdict(reply, generation.finishReason, this.config.pattern, kind)
      : readJsonVerdict(reply, generation.finishReason, kind);
    // Fields copied one by one: an object spread followed by more fields took V8 its slow path
    // (about 2 µs here, a tenth of the judge's own cost per judgment).
    const judgment: Omit<JudgmentRecord, "judgeId"> = {
      sample: record.sample,
      prompt: record.prompt,
      system: record.system,
      neutralised: record.neutralised,
      reply,
      finishReason: generation.finishReason,
      verdict: null,
      score: null,
      reasoning: null,
      status: reading.status,
      cached,
      attempts,
      latencyMs: generation.latencyMs,
      inputTokens: generation.inputTokens,
      outputTokens: generation.outputTokens,
      costUsd: generation.costUsd,
    };
    if (reading.status !== "ok") {
      judgment.error = reading.detail;
      return judgment;
    }
    judgment.verdict = reading.verdict;
    judgment.reasoning = reading.reasoning;
    judgment.score = verdictScore(reading.verdict, kind);
    if (this.config.args.weighting === "logprobs") {
      const weighted = weightVerdict(generation.tokenLogprobs, reply, verdictOffset(reply, this.config.pattern), reading.verdict, kind);
      if ("reason" in weighted) judgment.weighting = `parsed (${weighted.reason})`;
      else {
        judgment.weighting = "logprobs";
        judgment.distribution = weighted.distribution;
        judgment.score = weighted.score;
      }
    }
    return judgment;
  }

  /** Choices scored by their log-likelihood after the prompt: nothing to parse. */
  private async likelihoodJudgment(
    runtime: JudgeRuntime,
    record: { sample: number; prompt: string; system?: string; neutralised: boolean },
    key: string | undefined,
    context: { task: string; item: string; strategy: string; sample: number; signal?: AbortSignal },
  ): Promise<{ judgment: Omit<JudgmentRecord, "judgeId">; cacheEntry?: [string, string] }> {
    const kind = this.config.kind as { kind: "choices"; choices: Record<string, number> };
    const names = Object.keys(kind.choices);
    const provider = runtime.model.provider;
    if (!provider.loglikelihood) return { judgment: failedJudgment(record, new Error(`${provider.id} cannot score likelihoods`)) };
    let logprobs: { logprob: number; tokens: number }[];
    let cached = false;
    let attempts = 0;
    const started = performance.now();
    const hit = key ? runtime.cache!.get(key) : undefined;
    if (hit !== undefined) {
      logprobs = JSON.parse(hit);
      cached = true;
    } else {
      try {
        const result = await runtime.limit(() =>
          withRetry(
            () =>
              provider.loglikelihood!(
                { system: record.system, text: record.prompt },
                names.map((n) => ` ${n}`),
                context,
              ),
            { retries: provider.retries ?? 3, baseDelayMs: runtime.retryBaseDelayMs ?? 1000, maxDelayMs: 60_000, signal: runtime.signal },
          ),
        );
        logprobs = result.value;
        attempts = result.attempts;
      } catch (error) {
        if (runtime.signal?.aborted) throw error;
        return { judgment: failedJudgment(record, error) };
      }
    }
    // Softmax over the choices' summed log-likelihoods (lm-evaluation-harness's `acc`: argmax).
    const max = Math.max(...logprobs.map((l) => l.logprob));
    const weights = logprobs.map((l) => Math.exp(l.logprob - max));
    const total = weights.reduce((a, b) => a + b, 0);
    const distribution: Record<string, number> = {};
    let best = 0;
    names.forEach((n, i) => {
      distribution[n] = weights[i] / total;
      if (logprobs[i].logprob > logprobs[best].logprob) best = i;
    });
    const verdict = names[best];
    const weighted = this.config.args.weighting === "logprobs";
    const judgment: Omit<JudgmentRecord, "judgeId"> = {
      ...record,
      reply: null,
      verdict,
      score: weighted ? names.reduce((s, n) => s + distribution[n] * kind.choices[n], 0) : kind.choices[verdict],
      reasoning: null,
      distribution,
      weighting: "likelihood",
      status: "ok",
      cached,
      attempts,
      latencyMs: performance.now() - started,
    };
    return { judgment, cacheEntry: key && !cached ? [key, JSON.stringify(logprobs)] : undefined };
  }

  /** The samples' readable scores reduced to one value in [0, 1] (null when none could be read). */
  private reduce(judgments: JudgmentRecord[]): ScoreResult {
    const kind = this.config.kind;
    const readable = judgments.filter((j) => j.score !== null);
    if (readable.length === 0) {
      const first = judgments[0];
      return {
        value: null,
        explanation: `unscored: ${first.status === "error" ? `judge failed: ${first.error}` : `${first.status}: ${first.error}`}`,
      };
    }
    let score: number;
    if (this.config.reduce === "majority") {
      const votes = new Map<string, number>();
      for (const j of readable) votes.set(j.verdict!, (votes.get(j.verdict!) ?? 0) + 1);
      // The most votes; a tie goes to the verdict written first (a fixed, seed-independent rule).
      let winner = readable[0].verdict!;
      for (const j of readable) if (votes.get(j.verdict!)! > votes.get(winner)!) winner = j.verdict!;
      score = this.config.args.weighting === "logprobs" ? mean(readable.map((j) => j.score!)) : verdictScore(winner, kind)!;
    } else score = mean(readable.map((j) => j.score!));
    const verdicts = judgments.map((j) => j.verdict ?? "?").join(", ");
    const of = readable.length < judgments.length ? ` (${readable.length} of ${judgments.length} samples readable)` : "";
    const shown = kind.kind === "scale" ? `${round(score)} on ${kind.lo}-${kind.hi}` : `${round(score)}`;
    return { value: normalise(score, kind), explanation: `${shown}: ${verdicts}${of}` };
  }
}

function failedJudgment(
  record: { sample: number; prompt: string; system?: string; neutralised: boolean },
  error: unknown,
): Omit<JudgmentRecord, "judgeId"> {
  return {
    ...record,
    reply: null,
    verdict: null,
    score: null,
    reasoning: null,
    status: "error",
    error: (error as Error).message || String(error),
    cached: false,
    attempts: (error as { attempts?: number }).attempts ?? 1,
  };
}

/** Where the verdict's value starts in a reply: after the last `"verdict":`, or at the pattern's last match group. */
function verdictOffset(reply: string, pattern: RegExp | undefined): number {
  if (pattern) {
    const global = new RegExp(pattern.source, [...new Set(`${pattern.flags}gd`)].join(""));
    let last: RegExpExecArray | undefined;
    for (const m of reply.matchAll(global)) last = m;
    const span = last?.indices?.[1] ?? last?.indices?.[0];
    return span ? span[0] : -1;
  }
  let offset = -1;
  for (const m of reply.matchAll(/"verdict"\s*:\s*"?/g)) offset = m.index + m[0].length;
  return offset;
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

function round(x: number): string {
  return String(Math.round(x * 1000) / 1000);
}

/** The `judge` scorer factory: checks options (`dir`: where the suite's .hbs rubrics are). */
export function judgeScorer(args: Record<string, unknown>, context?: { dir?: string }): JudgeScorer {
  return new JudgeScorer(args, context?.dir);
}
