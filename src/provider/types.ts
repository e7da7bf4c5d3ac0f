// The Provider interface: the one contract every model backend implements.

/** What a strategy renders and a provider consumes. Chat backends send `text` as one user turn. */
export interface Prompt {
  /** System instruction, when the task or autorater sets one. */
  system?: string;
  /** The prompt text. */
  text: string;
}

/** Decoding parameters, already merged from suite defaults, task, strategy and model. */
export interface GenerateParams {
  /** 0 means greedy. */
  temperature: number;
  topK?: number;
  topP?: number;
  maxTokens: number;
  stop?: string[];
  /** Sampling seed; set for every sampled request (derived from the run seed when not given). */
  seed?: number;
  /** Ask for token log-probabilities when the backend can give them. */
  logprobs?: boolean;
  /**
   * With `logprobs`: also the N most likely tokens at every position (OpenAI `top_logprobs`,
   * Gemini `logprobs`, llama.cpp's candidate probabilities). Autoraters weight a verdict by them.
   */
  topLogprobs?: number;
  /** JSON Schema for constrained output (autoraters use it); backends that cannot, ignore it. */
  responseSchema?: Record<string, unknown>;
}

export interface TokenLogprob {
  token: string;
  logprob: number;
  /** With `topLogprobs`: the most likely tokens at this position (the chosen one among them when it ranks), most likely first. */
  top?: { token: string; logprob: number }[];
}

/** One provider response. */
export interface Generation {
  text: string;
  /** "stop", "length", "content_filter", "safety", ... as the backend reports it, normalised to lower case. */
  finishReason: string;
  inputTokens?: number;
  outputTokens?: number;
  latencyMs: number;
  tokenLogprobs?: TokenLogprob[];
  /** Cost in US dollars, when a price table entry exists. */
  costUsd?: number;
  /** Provider calls made, retries included (set by the executor). */
  attempts?: number;
  /** Milliseconds from the call's start to its first generated token (prefill included). Local models. */
  ttftMs?: number;
  /** Prompt tokens actually evaluated; `inputTokens` were submitted, the rest came from a reused prefix. Local models. */
  prefillTokens?: number;
  /** Speculative decoding: draft tokens the model validated, of `draftProposed` it checked. */
  draftAccepted?: number;
  draftProposed?: number;
}

/** Which trial a call belongs to: replay looks outputs up by it; others may ignore it. */
export interface CallContext {
  task: string;
  item: string;
  strategy: string;
  sample: number;
  signal?: AbortSignal;
}

/** A model backend. Created by a factory from a model spec; loaded once per run and shared. */
export interface Provider {
  /** The canonical spec, e.g. `echo`, `replay:out.jsonl`, `local:models/demo.gguf`. Part of the cache key. */
  readonly id: string;
  /** How many calls may run at once (the CLI's --concurrency overrides it). */
  readonly concurrency?: number;
  /** Whether responses may be cached (replay and echo are cheap and need not be). */
  readonly cacheable?: boolean;
  /** How many times the executor retries a retryable failure (default 3). */
  readonly retries?: number;
  /**
   * The weights file of a local model. Its content hash joins the response-cache key and is
   * recorded with the run, so a file retrained or replaced at the same path is a new model.
   */
  readonly weightsFile?: string;
  /**
   * The effective inference settings, read back from the backend (threads, batch size, context
   * size, flash attention, prefix cache, parallel sequences, GPU, draft model). Recorded with the
   * run and part of the response-cache key: a setting is an evaluation variable.
   */
  readonly settings?: Readonly<Record<string, string | number | boolean | null>>;
  /** The draft model's weights file (speculative decoding): hashed into the cache key like `weightsFile`. */
  readonly draftFile?: string;
  /** What the user should know about how the model runs (e.g. `gpu: auto` found no GPU): warnings of the run. */
  readonly notices?: readonly string[];
  generate(prompt: Prompt, params: GenerateParams, context: CallContext): Promise<Generation>;
  /**
   * Log-likelihood of each continuation after the prompt (teacher forcing), for backends
   * that can compute it. Returns the sum of token log-probs and the token count per continuation.
   */
  loglikelihood?(prompt: Prompt, continuations: string[], context: CallContext): Promise<{ logprob: number; tokens: number }[]>;
  /** Release models, sockets, servers. */
  close?(): Promise<void>;
}

/** Options for a provider factory: the part of the spec after the colon plus named-model config. */
export interface ProviderOptions {
  /** Everything after `name:` in the spec (a path, a model name). */
  target: string;
  /** Extra options from assay.config.yaml for named models. */
  config?: Record<string, unknown>;
  /** Directory relative paths resolve against. */
  cwd: string;
}

export type ProviderFactory = (options: ProviderOptions) => Promise<Provider> | Provider;
