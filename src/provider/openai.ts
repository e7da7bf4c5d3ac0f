// The `openai:` backend: chat completions through the official `openai` SDK, against OpenAI or
// any compatible server (Ollama, vLLM, llama.cpp server, LM Studio) via a base URL.
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import { ProviderError, UserError } from "../errors.ts";
import { httpError, redact, retryAfterMs, transportError } from "./http-errors.ts";
import type { CallContext, GenerateParams, Generation, Prompt, Provider, ProviderFactory, TokenLogprob } from "./types.ts";

/**
 * Factory for `openai:MODEL`. Key from OPENAI_API_KEY; base URL from config `base_url` or
 * OPENAI_BASE_URL. A server with a base URL may need no key (Ollama): a placeholder is sent.
 * @example OPENAI_BASE_URL=http://localhost:11434/v1 assay run --model openai:llama3.2
 */
export const openaiProvider: ProviderFactory = ({ target, config = {} }) => {
  if (!target) throw new UserError("openai model needs a name: --model openai:MODEL (e.g. openai:gpt-4o-mini)", { code: "E_MODEL_SPEC" });
  const baseURL = stringOption(config.base_url) ?? (process.env.OPENAI_BASE_URL || undefined);
  const apiKey = process.env.OPENAI_API_KEY || undefined;
  if (!apiKey && !baseURL) {
    throw new UserError(
      "openai: OPENAI_API_KEY is not set; export it, or set OPENAI_BASE_URL (or base_url in assay.config.yaml) for a server that needs no key",
      { code: "E_MISSING_KEY" },
    );
  }
  // Retries and per-call timeouts belong to the executor and the limits wrapper, not the SDK.
  const client = new OpenAI({ apiKey: apiKey ?? "assay-no-key", baseURL, maxRetries: 0 });
  const id = baseURL ? `openai:${target}@${hostOf(baseURL)}` : `openai:${target}`;
  return new OpenAIProvider(id, target, client, { official: !baseURL || isOpenAIHost(baseURL), secrets: [apiKey] });
};

class OpenAIProvider implements Provider {
  readonly cacheable = true;

  constructor(
    readonly id: string,
    private readonly model: string,
    private readonly client: OpenAI,
    private readonly options: { official: boolean; secrets: (string | undefined)[] },
  ) {}

  async generate(prompt: Prompt, params: GenerateParams, context: CallContext): Promise<Generation> {
    const started = performance.now();
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [];
    if (prompt.system) messages.push({ role: "system", content: prompt.system });
    messages.push({ role: "user", content: prompt.text });
    const body: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming & { top_k?: number } = {
      model: this.model,
      messages,
      temperature: params.temperature,
    };
    // OpenAI itself wants max_completion_tokens (max_tokens is deprecated there); compatible servers know max_tokens.
    if (this.options.official) body.max_completion_tokens = params.maxTokens;
    else body.max_tokens = params.maxTokens;
    if (params.topP !== undefined) body.top_p = params.topP;
    if (params.topK !== undefined) body.top_k = params.topK; // not OpenAI's; vLLM, Ollama and llama.cpp accept it
    if (params.stop?.length) body.stop = params.stop;
    if (params.seed !== undefined) body.seed = params.seed;
    const top = topCount(params);
    if (params.logprobs || top) body.logprobs = true;
    if (top) body.top_logprobs = top;
    if (params.responseSchema) {
      // The shape OpenAI, vLLM and Ollama all read; strict makes OpenAI enforce the schema (it
      // then requires additionalProperties: false and every property required, as judges' schemas are).
      body.response_format = { type: "json_schema", json_schema: { name: "response", schema: params.responseSchema, strict: true } };
    }
    let completion: OpenAI.Chat.ChatCompletion;
    try {
      completion = await this.client.chat.completions.create(body, { signal: context.signal });
    } catch (error) {
      throw this.toProviderError(error);
    }
    const choice = completion?.choices?.[0];
    if (!choice || typeof choice !== "object") throw transportError(this.id, "no choices in the response", { malformed: true });
    const generation: Generation = {
      text: choice.message?.content ?? choice.message?.refusal ?? "",
      finishReason: String(choice.finish_reason ?? "unknown").toLowerCase(),
      inputTokens: completion.usage?.prompt_tokens,
      outputTokens: completion.usage?.completion_tokens,
      latencyMs: performance.now() - started,
    };
    const tokens = choice.logprobs?.content;
    if ((params.logprobs || top) && tokens) {
      generation.tokenLogprobs = tokens.map((t) => {
        const entry: TokenLogprob = { token: t.token, logprob: t.logprob };
        if (top) entry.top = (t.top_logprobs ?? []).map((a) => ({ token: a.token, logprob: a.logprob }));
        return entry;
      });
    }
    return generation;
  }

  private toProviderError(error: unknown): ProviderError {
    const clean = (text: string) => redact(text, this.options.secrets);
    if (error instanceof APIUserAbortError) return new ProviderError(`${this.id}: request aborted`, { retryable: false });
    if (error instanceof APIConnectionTimeoutError) return transportError(this.id, clean(error.message), { timeout: true });
    if (error instanceof APIConnectionError) return transportError(this.id, clean(error.message));
    if (error instanceof APIError && typeof error.status === "number")
      return httpError(this.id, error.status, clean(error.message), retryAfterMs(error.headers));
    if (error instanceof SyntaxError) return transportError(this.id, clean(error.message), { malformed: true });
    return new ProviderError(`${this.id}: ${clean(error instanceof Error ? error.message : String(error))}`, { retryable: false });
  }
}

/** OpenAI's top_logprobs: 0 to 20; more is clamped to 20 (the API may return fewer anyway). */
function topCount(params: GenerateParams): number {
  return params.topLogprobs ? Math.min(20, Math.max(0, Math.trunc(params.topLogprobs))) : 0;
}

function stringOption(value: unknown): string | undefined {
  return typeof value === "string" && value ? value : undefined;
}

/** Whether a base URL points at OpenAI's own API (by its host, not a match anywhere in the string). */
export function isOpenAIHost(url: string): boolean {
  try {
    return new URL(url).hostname.toLowerCase() === "api.openai.com";
  } catch {
    return false;
  }
}

function hostOf(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.host + parsed.pathname.replace(/\/$/, "");
  } catch {
    return url;
  }
}
