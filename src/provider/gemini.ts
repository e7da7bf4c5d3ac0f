// The `gemini:` backend through @google/genai, Google's current SDK (the older
// @google/generative-ai is deprecated: bug fixes ended 2025-08-31, repository archived).
import { ApiError, GoogleGenAI, type GenerateContentConfig, type GenerateContentResponse } from "@google/genai";
import { ProviderError, UserError } from "../errors.ts";
import { httpError, redact, retryAfterMs, transportError } from "./http-errors.ts";
import type { CallContext, GenerateParams, Generation, Prompt, Provider, ProviderFactory, TokenLogprob } from "./types.ts";

/** Gemini finish reasons that mean a safety or policy block. */
const SAFETY_REASONS = new Set(["SAFETY", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII", "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT"]);

/**
 * Factory for `gemini:MODEL`. Key from GEMINI_API_KEY or GOOGLE_API_KEY; base URL from config
 * `base_url` or GEMINI_BASE_URL (proxies, test servers).
 * @example GEMINI_API_KEY=... assay run --model gemini:gemini-2.5-flash
 */
export const geminiProvider: ProviderFactory = ({ target, config = {} }) => {
  if (!target)
    throw new UserError("gemini model needs a name: --model gemini:MODEL (e.g. gemini:gemini-2.5-flash)", { code: "E_MODEL_SPEC" });
  const baseUrl = (typeof config.base_url === "string" && config.base_url) || process.env.GEMINI_BASE_URL || undefined;
  const apiKey = process.env.GEMINI_API_KEY || process.env.GOOGLE_API_KEY || undefined;
  if (!apiKey && !baseUrl)
    throw new UserError("gemini: set GEMINI_API_KEY (or GOOGLE_API_KEY) in the environment", { code: "E_MISSING_KEY" });
  // No httpOptions.retryOptions: the SDK then makes one attempt and the executor does the retrying.
  const client = new GoogleGenAI({ apiKey: apiKey ?? "assay-no-key", vertexai: false, httpOptions: baseUrl ? { baseUrl } : undefined });
  const thinkingBudget = typeof config.thinking_budget === "number" ? config.thinking_budget : undefined;
  return new GeminiProvider(`gemini:${target}`, target, client, { secrets: [apiKey], thinkingBudget });
};

class GeminiProvider implements Provider {
  readonly cacheable = true;

  constructor(
    readonly id: string,
    private readonly model: string,
    private readonly client: GoogleGenAI,
    private readonly options: { secrets: (string | undefined)[]; thinkingBudget?: number },
  ) {}

  async generate(prompt: Prompt, params: GenerateParams, context: CallContext): Promise<Generation> {
    const started = performance.now();
    // The SDK's ApiError has no headers; a per-call fetch wrapper keeps Retry-After.
    let retryAfter: number | undefined;
    const fetchWithHeaders: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!response.ok) retryAfter = retryAfterMs(response.headers);
      return response;
    };
    const config: GenerateContentConfig = {
      temperature: params.temperature,
      maxOutputTokens: params.maxTokens,
      abortSignal: context.signal,
      httpOptions: { fetch: fetchWithHeaders },
    };
    if (prompt.system) config.systemInstruction = prompt.system;
    if (params.topK !== undefined) config.topK = params.topK;
    if (params.topP !== undefined) config.topP = params.topP;
    if (params.stop?.length) config.stopSequences = params.stop;
    if (params.seed !== undefined) config.seed = params.seed;
    const top = params.topLogprobs ? Math.min(20, Math.max(0, Math.trunc(params.topLogprobs))) : 0; // the API takes 0 to 20
    if (params.logprobs || top) config.responseLogprobs = true;
    if (top) config.logprobs = top;
    if (params.responseSchema) {
      config.responseMimeType = "application/json";
      config.responseJsonSchema = params.responseSchema;
    }
    if (this.options.thinkingBudget !== undefined) config.thinkingConfig = { thinkingBudget: this.options.thinkingBudget };
    let response: GenerateContentResponse;
    try {
      response = await this.client.models.generateContent({
        model: this.model,
        contents: [{ role: "user", parts: [{ text: prompt.text }] }],
        config,
      });
    } catch (error) {
      throw this.toProviderError(error, retryAfter, context.signal);
    }
    return this.toGeneration(response, params, performance.now() - started);
  }

  private toGeneration(response: GenerateContentResponse, params: GenerateParams, latencyMs: number): Generation {
    if (!response || typeof response !== "object") throw transportError(this.id, "empty response", { malformed: true });
    const candidate = response.candidates?.[0];
    const usage = response.usageMetadata;
    const blocked = response.promptFeedback?.blockReason;
    const reason = String(candidate?.finishReason ?? (blocked ? "SAFETY" : "STOP"));
    const text = (candidate?.content?.parts ?? [])
      .filter((part) => !part.thought && typeof part.text === "string")
      .map((part) => part.text)
      .join("");
    const generation: Generation = {
      text,
      finishReason: SAFETY_REASONS.has(reason) ? "safety" : reason === "MAX_TOKENS" ? "length" : reason.toLowerCase(),
      inputTokens: usage?.promptTokenCount,
      // Thinking tokens are generated and billed as output.
      outputTokens: usage ? (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0) : undefined,
      latencyMs,
    };
    const chosen = candidate?.logprobsResult?.chosenCandidates;
    const tops = candidate?.logprobsResult?.topCandidates;
    if ((params.logprobs || params.topLogprobs) && chosen) {
      generation.tokenLogprobs = chosen.map((c, i) => {
        const entry: TokenLogprob = { token: c.token ?? "", logprob: c.logProbability ?? Number.NaN };
        // Gemini lists topCandidates per decoding step, parallel to chosenCandidates.
        if (params.topLogprobs)
          entry.top = (tops?.[i]?.candidates ?? []).map((a) => ({ token: a.token ?? "", logprob: a.logProbability ?? Number.NaN }));
        return entry;
      });
    }
    return generation;
  }

  private toProviderError(error: unknown, retryAfter: number | undefined, signal?: AbortSignal): ProviderError {
    const clean = (text: string) => redact(text, this.options.secrets);
    if (signal?.aborted) return new ProviderError(`${this.id}: request aborted`, { retryable: false });
    if (error instanceof ApiError)
      return httpError(this.id, error.status, clean(error.message), retryAfter ?? retryDelayFromBody(error.message));
    if (error instanceof SyntaxError) return transportError(this.id, clean(error.message), { malformed: true });
    const name = error instanceof Error ? error.name : "";
    const message = clean(
      error instanceof Error ? `${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ""}` : String(error),
    );
    if (name === "TimeoutError" || name === "AbortError") return transportError(this.id, message, { timeout: true });
    if (error instanceof TypeError) return transportError(this.id, message);
    return new ProviderError(`${this.id}: ${message}`, { retryable: false });
  }
}

/** Gemini puts a google.rpc.RetryInfo `retryDelay` like "13s" in 429 bodies. */
function retryDelayFromBody(message: string): number | undefined {
  const match = /"retryDelay"\s*:\s*"(\d+(?:\.\d+)?)s"/.exec(message);
  return match ? Math.round(Number(match[1]) * 1000) : undefined;
}
