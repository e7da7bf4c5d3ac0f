// The `local:` backend: a GGUF model run in-process through node-llama-cpp (llama.cpp).
// Loaded once per provider; calls share it through a pool of parallel context sequences.
import { existsSync } from "node:fs";
import { basename, isAbsolute, resolve } from "node:path";
import {
  DraftSequenceTokenPredictor,
  InputLookupTokenPredictor,
  JinjaTemplateChatWrapper,
  LlamaGrammarEvaluationState,
  resolveChatWrapper,
  type ChatHistoryItem,
  type ChatWrapper,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaModel,
  type Token,
  type TokenPredictor,
} from "node-llama-cpp";
import { ProviderError, UserError } from "../errors.ts";
import { packagePath } from "../package-paths.ts";
import { GrammarCache, isCompleteJson, topTokens } from "./local-grammar.ts";
import { loadLocalModel } from "./local-runtime.ts";
import { commonPrefixLength, reusePrefix, SequencePool } from "./local-sequences.ts";
import type { CallContext, GenerateParams, Generation, Prompt, Provider, ProviderFactory, TokenLogprob } from "./types.ts";

/** Options of a local model (from assay.config.yaml; all optional). */
export interface LocalModelOptions {
  /** Threads per context for evaluation; default 1 (best for generation on small machines). */
  threads?: number;
  /** Format prompts with the GGUF's chat template (instruct models). Default false: plain completion. */
  chat?: boolean;
  /** Offload to a GPU when one is present ("auto"). Default off (CPU). */
  gpu?: boolean;
  /** Tokens per sequence; default min(model's training context, 4096). */
  contextSize?: number;
  /** Tokens llama.cpp decodes in one batch (prefill chunk); default its own (the context size, at most 512). */
  batchSize?: number;
  /** Parallel context sequences (= calls decoded together); default 1. */
  concurrency?: number;
  /** Flash attention moves log-probs by ~2e-3, so it is off unless asked for. */
  flashAttention?: boolean;
  /** Reuse the evaluated prefix a sequence shares with the next prompt (default true). */
  prefixCache?: boolean;
  /** Speculative decoding: a draft GGUF path, or "input-lookup" (prompt-lookup decoding). */
  draft?: string;
  /** Tokens the draft proposes before the model validates them; default 4. */
  draftTokens?: number;
}

/** Prefill accounting for prefix caching. */
export interface LocalProviderStats {
  /** Prompt tokens submitted across all calls (continuations included for log-likelihood). */
  promptTokens: number;
  /** Of those, tokens actually evaluated; the rest came from a reused prefix. */
  prefillTokens: number;
  /** Tokens generated. */
  generatedTokens: number;
}

/** `local:demo` names the demo model shipped at models/demo.gguf under the package root. */
export const demoModelPath = packagePath("models", "demo.gguf");

/**
 * Factory for `local:PATH.gguf` (or `local:demo`).
 * @example const p = await localProvider({ target: "models/tiny.gguf", cwd: process.cwd() })
 */
export const localProvider: ProviderFactory = async ({ target, config, cwd }) => {
  const options = localOptionsFromConfig(config ?? {});
  const path = modelPath(target, cwd);
  const { model, summary } = await loadLocalModel(path, { gpu: options.gpu ?? false });
  const contextSize = options.contextSize ?? Math.min(summary.trainContextLength ?? 4096, 4096);
  const sequences = Math.max(1, options.concurrency ?? 1);
  const disposables: { dispose(): Promise<void> }[] = [model];
  try {
    const context = await createLocalContext(model, path, { ...options, contextSize, sequences });
    disposables.unshift(context);
    // On failure everything loaded so far is released; on success the provider owns it.
    const predictors = await tokenPredictors(model, options, { contextSize, sequences, cwd }, disposables);
    return new LocalProvider(`local:${target}`, model, context, options, summary.chatTemplate, path, predictors);
  } catch (error) {
    for (const d of disposables) await d.dispose();
    throw error;
  }
};

function modelPath(target: string, cwd: string): string {
  if (target === "demo") {
    if (!existsSync(demoModelPath))
      throw new UserError(`the demo model ${demoModelPath} does not exist yet; run \`npm run train:demo\` to build it`, {
        code: "E_MODEL_FILE",
      });
    return demoModelPath;
  }
  if (!target)
    throw new UserError(`local model needs a path: --model local:PATH.gguf (or \`path:\` in assay.config.yaml)`, { code: "E_MODEL_SPEC" });
  return isAbsolute(target) ? target : resolve(cwd, target);
}

async function createLocalContext(
  model: LlamaModel,
  path: string,
  options: LocalModelOptions & { contextSize: number; sequences: number },
): Promise<LlamaContext> {
  try {
    return await model.createContext({
      contextSize: options.contextSize,
      sequences: options.sequences,
      threads: options.threads ?? 1,
      flashAttention: options.flashAttention ?? false,
      batchSize: options.batchSize,
    });
  } catch (error) {
    throw new UserError(
      `cannot create a llama.cpp context of ${options.contextSize} tokens x ${options.sequences} sequences for ${path}: ${error instanceof Error ? error.message : String(error)}; lower context_size or parallel`,
      { code: "E_MODEL_CONTEXT", cause: error },
    );
  }
}

/** The draft of speculative decoding, one token predictor per sequence (node-llama-cpp's own). */
interface LocalPredictors {
  /** The draft model's file, or "input-lookup". */
  draft: string;
  tokens: number;
  create(): TokenPredictor;
  /** Release the draft model and its context. */
  dispose(): Promise<void>;
}

/**
 * Token predictors for speculative decoding: node-llama-cpp's DraftSequenceTokenPredictor on a
 * draft model's context (one draft sequence per target sequence), or its InputLookupTokenPredictor.
 * The draft proposes exactly `draft_tokens` tokens each round (minimum = maximum, no confidence
 * cut-off), which the model validates in one batch: classic speculative decoding, greedy outputs unchanged.
 */
async function tokenPredictors(
  model: LlamaModel,
  options: LocalModelOptions,
  shape: { contextSize: number; sequences: number; cwd: string },
  disposables: { dispose(): Promise<void> }[],
): Promise<LocalPredictors | undefined> {
  if (!options.draft) return undefined;
  const tokens = Math.max(1, options.draftTokens ?? 4);
  if (options.draft === "input-lookup")
    return {
      draft: "input-lookup",
      tokens,
      create: () => new InputLookupTokenPredictor({ predictionLength: { min: 1, max: tokens } }),
      dispose: async () => {},
    };
  const draftPath = isAbsolute(options.draft) ? options.draft : resolve(shape.cwd, options.draft);
  const { model: draftModel } = await loadLocalModel(draftPath, { gpu: options.gpu ?? false });
  disposables.unshift(draftModel);
  if (!sameVocabulary(model, draftModel)) {
    throw new UserError(
      `draft model ${draftPath} has another vocabulary than the model it drafts for; speculative decoding needs the same tokenizer`,
      {
        code: "E_MODEL_DRAFT",
      },
    );
  }
  const draftContext = await createLocalContext(draftModel, draftPath, { ...options, ...shape });
  disposables.unshift(draftContext);
  return {
    draft: draftPath,
    tokens,
    create: () => new DraftSequenceTokenPredictor(draftContext.getSequence(), { minTokens: tokens, maxTokens: tokens, minConfidence: 0 }),
    dispose: async () => {
      await draftContext.dispose();
      await draftModel.dispose();
    },
  };
}

function sameVocabulary(a: LlamaModel, b: LlamaModel): boolean {
  const tokensOf = (m: LlamaModel) =>
    (m.fileInfo.metadata as { tokenizer?: { ggml?: { tokens?: readonly string[] } } }).tokenizer?.ggml?.tokens;
  const x = tokensOf(a);
  const y = tokensOf(b);
  if (!x || !y) return a.tokens.bos === b.tokens.bos && a.tokens.eos === b.tokens.eos;
  return x.length === y.length && x.every((token, i) => token === y[i]);
}

function localOptionsFromConfig(config: Record<string, unknown>): LocalModelOptions {
  const num = (v: unknown) => (typeof v === "number" ? v : undefined);
  return {
    threads: num(config.threads),
    chat: config.chat === true,
    gpu: config.gpu === true || config.gpu === "auto",
    contextSize: num(config.context_size ?? config.contextSize),
    batchSize: num(config.batch_size ?? config.batchSize),
    concurrency: num(config.parallel ?? config.concurrency),
    flashAttention: config.flash_attention === true || config.flashAttention === true,
    prefixCache: config.prefix_cache !== false && config.prefixCache !== false,
    draft: typeof config.draft === "string" ? config.draft : undefined,
    draftTokens: num(config.draft_tokens ?? config.draftTokens),
  };
}

/** A loaded GGUF model answering generate and loglikelihood calls. */
export class LocalProvider implements Provider {
  readonly id: string;
  readonly concurrency: number;
  readonly cacheable = true;
  /** Local calls fail for deterministic reasons; retrying does not help. */
  readonly retries = 0;
  private readonly pool: SequencePool;
  private readonly chatWrapper?: ChatWrapper;
  private readonly counters: LocalProviderStats = { promptTokens: 0, prefillTokens: 0, generatedTokens: 0 };
  private readonly grammars: GrammarCache;
  private readonly prefixCache: boolean;
  /** The effective settings, read back from node-llama-cpp's own objects (see Provider.settings). */
  readonly settings: Readonly<Record<string, string | number | boolean | null>>;
  readonly draftFile?: string;
  readonly notices: string[] = [];
  /** The context's sequences (each with its own token predictor when drafting). */
  readonly sequences: readonly LlamaContextSequence[];

  constructor(
    id: string,
    readonly model: LlamaModel,
    readonly context: LlamaContext,
    options: LocalModelOptions,
    chatTemplate?: string,
    /** The GGUF file (its content hash identifies the model in the response cache). */
    readonly weightsFile?: string,
    private readonly predictors?: LocalPredictors,
  ) {
    this.id = options.chat ? `${id}?chat=true` : id;
    this.concurrency = context.totalSequences;
    this.prefixCache = options.prefixCache ?? true;
    const all = Array.from({ length: context.totalSequences }, () =>
      context.getSequence({
        contextShift: {
          strategy: () => {
            throw new ProviderError(`context of ${context.contextSize} tokens is full`);
          },
        },
        tokenPredictor: predictors?.create(),
      }),
    );
    const gpu = model.llama.gpu;
    if (options.gpu && gpu === false) this.notices.push("gpu: auto found no GPU llama.cpp can use; running on the CPU");
    if (predictors && predictors.draft !== "input-lookup") this.draftFile = predictors.draft;
    this.settings = {
      threads: context.idealThreads,
      batch_size: context.batchSize,
      context_size: context.contextSize,
      flash_attention: context.flashAttention === true,
      prefix_cache: this.prefixCache,
      parallel: context.totalSequences,
      gpu: gpu === false ? (options.gpu ? "auto: none found (CPU)" : "off") : gpu,
      gpu_layers: model.gpuLayers,
      draft: predictors ? (predictors.draft === "input-lookup" ? "input-lookup" : basename(predictors.draft)) : null,
      draft_tokens: predictors ? predictors.tokens : null,
    };
    this.sequences = all;
    this.pool = new SequencePool(all);
    this.grammars = new GrammarCache(model.llama);
    if (options.chat) {
      this.chatWrapper = chatTemplate ? new JinjaTemplateChatWrapper({ template: chatTemplate }) : resolveChatWrapper(model);
    }
  }

  /** Prefill counters: prompt tokens submitted vs. tokens evaluated (the difference was reused). */
  stats(): LocalProviderStats {
    return { ...this.counters };
  }

  /** The context size of each sequence, in tokens. */
  get contextSize(): number {
    return this.context.contextSize;
  }

  /** The model's token ids for a prompt: its chat template (chat) or BOS + text (completion). */
  promptTokens(prompt: Prompt): Token[] {
    if (this.chatWrapper) return this.chatTokens(prompt).tokens;
    const text = prompt.system ? `${prompt.system}\n\n${prompt.text}` : prompt.text;
    return this.withBos(this.model.tokenize(text, false));
  }

  /**
   * Generate text. With `responseSchema`, a llama.cpp grammar from the schema constrains every
   * token, so the text parses as JSON matching it unless cut by maxTokens (finishReason
   * "length"); generation stops when the JSON value is complete. Log-probs (`logprobs`,
   * `topLogprobs`) are those of the distribution sampled from: the grammar's allowed tokens,
   * after temperature and top-k/top-p; at temperature 0, the full softmax over the allowed tokens.
   */
  async generate(prompt: Prompt, params: GenerateParams, context: CallContext): Promise<Generation> {
    const started = performance.now();
    const chat = this.chatWrapper ? this.chatTokens(prompt) : undefined;
    const tokens = chat?.tokens ?? this.promptTokens(prompt);
    this.checkLength(tokens.length, tokens.length + 1);
    const grammar = params.responseSchema ? await this.grammars.get(params.responseSchema) : undefined;
    const topCount = params.topLogprobs ? Math.max(0, Math.trunc(params.topLogprobs)) : 0;
    const wantLogprobs = params.logprobs === true || topCount > 0;
    const sequence = await this.pool.acquire(tokens);
    try {
      const reused = await reusePrefix(sequence, tokens, this.prefixCache ? tokens.length - 1 : 0);
      this.count(tokens.length, reused);
      // Prompt-lookup decoding proposes what followed in the prompt: it must be told the prompt
      // (node-llama-cpp's LlamaCompletion does this; raw sequence evaluation does not).
      sequence.tokenPredictor?.updateInputTokens?.(tokens);
      const predictionsBefore = sequence.tokenPredictions;
      let ttftMs: number | undefined;
      const greedy = params.temperature <= 0;
      const stopTokenRuns = chat?.stopTokens ?? [];
      const output: Token[] = [];
      const logprobs: number[] = [];
      const tops: { token: Token; logprob: number }[][] = [];
      let finishReason = "stop";
      let text: string | undefined;
      if (params.maxTokens <= 0) finishReason = "length";
      else {
        // A fresh evaluation state per call: it tracks where in the grammar this output is.
        const grammarEvaluationState = grammar ? new LlamaGrammarEvaluationState({ model: this.model, grammar }) : undefined;
        const iterator = sequence.evaluateWithMetadata(
          tokens.slice(reused),
          { confidence: wantLogprobs, probabilities: topCount > 0 },
          {
            temperature: greedy ? 0 : params.temperature,
            topK: params.topK ?? 0,
            topP: params.topP ?? 1,
            seed: params.seed === undefined ? undefined : Math.abs(Math.trunc(params.seed)),
            grammarEvaluationState,
          },
        );
        for await (const next of iterator) {
          if (context.signal?.aborted) throw new ProviderError("aborted", { retryable: false });
          ttftMs ??= performance.now() - started;
          output.push(next.token);
          // The chosen token's confidence and its entry in the probability map are the same float.
          if (wantLogprobs) logprobs.push(Math.log((next as { confidence?: number }).confidence ?? Number.NaN));
          if (topCount > 0) {
            const map = (next as { probabilities?: Map<Token, number> }).probabilities;
            tops.push(map ? topTokens(map, topCount) : []);
          }
          const run = stopTokenRuns.find((stop) => stop.length > 0 && endsWith(output, stop));
          if (run) {
            output.splice(output.length - run.length);
            logprobs.splice(output.length);
            tops.splice(output.length);
            text = undefined; // may have been detokenized with part of the end-of-turn run
            break;
          }
          if (params.stop?.length) {
            text = this.model.detokenize(output);
            const cut = firstStop(text, params.stop);
            if (cut !== undefined) {
              text = text.slice(0, cut);
              logprobs.splice(this.tokensWithin(output, cut));
              tops.splice(logprobs.length);
              break;
            }
          }
          if (grammar) {
            text = this.model.detokenize(output);
            // After a complete value the grammar admits only whitespace; stop rather than spend tokens on it.
            if (isCompleteJson(text)) break;
          }
          if (output.length >= params.maxTokens || sequence.nextTokenIndex + 1 >= sequence.contextSize) {
            finishReason = "length";
            break;
          }
        }
      }
      this.counters.generatedTokens += output.length;
      text ??= this.model.detokenize(output);
      const generation: Generation = {
        text,
        finishReason,
        inputTokens: tokens.length,
        outputTokens: output.length,
        latencyMs: performance.now() - started,
        ttftMs,
        prefillTokens: tokens.length - reused,
      };
      if (this.predictors) {
        // validated + refuted = the draft tokens the model checked (node-llama-cpp's counters).
        const after = sequence.tokenPredictions;
        generation.draftAccepted = after.validated - predictionsBefore.validated;
        generation.draftProposed = generation.draftAccepted + after.refuted - predictionsBefore.refuted;
      }
      if (wantLogprobs) {
        const tokenText = (token: Token, i: number) => this.model.detokenize([token], false, output.slice(Math.max(0, i - 4), i));
        generation.tokenLogprobs = logprobs.map((logprob, i): TokenLogprob => {
          const entry: TokenLogprob = { token: tokenText(output[i], i), logprob };
          if (topCount > 0) entry.top = (tops[i] ?? []).map((t) => ({ token: tokenText(t.token, i), logprob: t.logprob }));
          return entry;
        });
      }
      return generation;
    } catch (error) {
      throw this.asProviderError(error);
    } finally {
      this.pool.release(sequence);
    }
  }

  /**
   * Log-likelihood of each continuation after the prompt by teacher forcing: the sum over the
   * continuation's tokens of log p(token | everything before it), from the full softmax.
   * Continuation tokens are those of tokenize(prompt + continuation) past the prompt's tokens,
   * as lm-evaluation-harness splits them; with a chat template the continuation is the reply.
   */
  async loglikelihood(prompt: Prompt, continuations: string[], context: CallContext): Promise<{ logprob: number; tokens: number }[]> {
    const promptTokens = this.promptTokens(prompt);
    if (promptTokens.length === 0)
      throw new ProviderError("cannot score a continuation of an empty prompt: the model adds no BOS token", { retryable: false });
    const targets = continuations.map((continuation) => this.continuationTokens(prompt, promptTokens, continuation));
    for (const target of targets) this.checkLength(target.tokens.length, target.tokens.length);
    const sequence = await this.pool.acquire(promptTokens);
    try {
      const results: { logprob: number; tokens: number }[] = [];
      for (const { tokens, start } of targets) {
        if (context.signal?.aborted) throw new ProviderError("aborted", { retryable: false });
        if (start >= tokens.length) {
          results.push({ logprob: 0, tokens: 0 });
          continue;
        }
        // The token before the continuation must be (re)evaluated: its logits predict the first continuation token.
        const reused = await reusePrefix(sequence, tokens, this.prefixCache ? start - 1 : 0);
        this.count(tokens.length, reused);
        const input = tokens.slice(reused).map((token, i) => {
          const position = reused + i;
          return position >= start - 1 && position < tokens.length - 1
            ? ([token, { generateNext: { probabilities: true, options: { temperature: 0 } } }] as [
                Token,
                { generateNext: { probabilities: boolean; options: { temperature: number } } },
              ])
            : token;
        });
        const outputs = await sequence.controlledEvaluate(input);
        let logprob = 0;
        for (let position = start - 1; position < tokens.length - 1; position++) {
          const probability = outputs[position - reused]?.next.probabilities?.get(tokens[position + 1]) ?? 0;
          logprob += Math.log(probability);
        }
        results.push({ logprob, tokens: tokens.length - start });
      }
      return results;
    } catch (error) {
      throw this.asProviderError(error);
    } finally {
      this.pool.release(sequence);
    }
  }

  async close(): Promise<void> {
    await this.context.dispose();
    await this.predictors?.dispose();
    await this.model.dispose();
  }

  private continuationTokens(prompt: Prompt, promptTokens: Token[], continuation: string): { tokens: Token[]; start: number } {
    if (this.chatWrapper) return { tokens: [...promptTokens, ...this.model.tokenize(continuation, false)], start: promptTokens.length };
    const whole = this.promptTokens({ ...prompt, text: prompt.text + continuation });
    const start = Math.max(1, Math.min(commonPrefixLength(whole, promptTokens), whole.length));
    return { tokens: whole, start: Math.min(start, whole.length) };
  }

  private chatTokens(prompt: Prompt): { tokens: Token[]; stopTokens: Token[][] } {
    const history: ChatHistoryItem[] = [];
    if (prompt.system) history.push({ type: "system", text: prompt.system });
    history.push({ type: "user", text: prompt.text }, { type: "model", response: [] });
    const state = this.chatWrapper!.generateContextState({ chatHistory: history });
    const tokens = state.contextText.tokenize(this.model.tokenizer);
    const stopTokens = state.stopGenerationTriggers.map((trigger) => trigger.tokenize(this.model.tokenizer, "trimLeadingSpace"));
    return { tokens, stopTokens };
  }

  private withBos(tokens: Token[]): Token[] {
    const bos = this.model.tokens.bos;
    return bos !== null && this.model.tokens.shouldPrependBosToken && tokens[0] !== bos ? [bos, ...tokens] : tokens;
  }

  /** How many leading tokens of `output` detokenize within the first `chars` characters. */
  private tokensWithin(output: Token[], chars: number): number {
    for (let n = output.length; n > 0; n--) if (this.model.detokenize(output.slice(0, n)).length <= chars) return n;
    return 0;
  }

  private checkLength(promptTokens: number, needed: number): void {
    const size = this.context.contextSize;
    if (needed > size) {
      throw new ProviderError(
        `prompt is ${promptTokens} tokens but the model's context holds ${size} tokens (${this.id}); raise context_size in assay.config.yaml or shorten the prompt — assay never truncates prompts`,
        { retryable: false },
      );
    }
  }

  private count(submitted: number, reused: number): void {
    this.counters.promptTokens += submitted;
    this.counters.prefillTokens += submitted - reused;
  }

  private asProviderError(error: unknown): ProviderError {
    if (error instanceof ProviderError) return error;
    return new ProviderError(`llama.cpp failed (${this.id}): ${error instanceof Error ? error.message : String(error)}`, {
      retryable: false,
      cause: error,
    });
  }
}

function endsWith(tokens: Token[], tail: Token[]): boolean {
  if (tail.length > tokens.length) return false;
  for (let i = 1; i <= tail.length; i++) if (tokens[tokens.length - i] !== tail[tail.length - i]) return false;
  return true;
}

function firstStop(text: string, stops: string[]): number | undefined {
  let cut: number | undefined;
  for (const stop of stops) {
    if (!stop) continue;
    const at = text.indexOf(stop);
    if (at >= 0 && (cut === undefined || at < cut)) cut = at;
  }
  return cut;
}
