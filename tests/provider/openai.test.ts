// The openai backend through the real `openai` SDK against a fake chat.completions server.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ProviderError, UserError } from "../../src/errors.ts";
import { openaiProvider } from "../../src/provider/openai.ts";
import type { Provider } from "../../src/provider/types.ts";
import { startFakeOpenAI, tokensOf, type FakeServer } from "../fixtures/fake-openai-server.ts";

const call = { task: "t", item: "i", strategy: "s", sample: 0 };
const SECRET = "sk-test-SECRET-0123456789";
const STRICT_SCHEMA = { type: "object", properties: {}, required: [], additionalProperties: false };
let server: FakeServer;
let provider: Provider;

beforeAll(async () => {
  server = await startFakeOpenAI();
  vi.stubEnv("OPENAI_API_KEY", SECRET);
  provider = await openaiProvider({ target: "llama3.2", cwd: ".", config: { base_url: `${server.url}/v1` } });
});
afterEach(() => {
  server.faults.length = 0;
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await server.close();
});

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  expect(String((error as Error).message)).not.toContain(SECRET);
  expect(JSON.stringify(error)).not.toContain(SECRET);
  return error as ProviderError;
}

describe("openai provider", () => {
  it("maps parameters onto the chat.completions request", async () => {
    const g = await provider.generate(
      { system: "Be terse.", text: "say hi" },
      {
        temperature: 0.7,
        topP: 0.9,
        topK: 20,
        maxTokens: 50,
        stop: ["\n\n"],
        seed: 42,
        logprobs: true,
        responseSchema: STRICT_SCHEMA,
      },
      call,
    );
    const request = server.requests.at(-1)!;
    expect(request.url).toBe("/v1/chat/completions");
    expect(request.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(request.body).toMatchObject({
      model: "llama3.2",
      messages: [
        { role: "system", content: "Be terse." },
        { role: "user", content: "say hi" },
      ],
      temperature: 0.7,
      top_p: 0.9,
      top_k: 20,
      max_tokens: 50,
      stop: ["\n\n"],
      seed: 42,
      logprobs: true,
      response_format: { type: "json_schema", json_schema: { name: "response", schema: STRICT_SCHEMA, strict: true } },
    });
    expect(JSON.parse(g.text)).toEqual({ verdict: "pass", reason: "say hi" });
    expect(g.finishReason).toBe("stop");
    expect(g.inputTokens).toBe(4);
    expect(provider.id).toBe(`openai:llama3.2@${server.url.slice(7)}/v1`);
  });

  it("records finish reason, usage and token log-probs", async () => {
    const g = await provider.generate({ text: "one two three four" }, { temperature: 0, maxTokens: 3, logprobs: true }, call);
    expect(g.text).toBe("echo: one two");
    expect(g.finishReason).toBe("length");
    expect(g.outputTokens).toBe(3);
    expect(g.tokenLogprobs).toEqual([
      { token: "echo:", logprob: -0.5 },
      { token: " one", logprob: -1 },
      { token: " two", logprob: -1.5 },
    ]);
    const plain = await provider.generate({ text: "x" }, { temperature: 0, maxTokens: 3 }, call);
    expect(plain.tokenLogprobs).toBeUndefined();
    expect(server.requests.at(-1)!.body.logprobs).toBeUndefined();
  });

  it("classifies 429 with Retry-After and 5xx as retryable, 400 and 401 as not", async () => {
    server.faults.push({ kind: "status", status: 429, retryAfter: "3" });
    const rateLimited = await failure(provider.generate({ text: "a" }, { temperature: 0, maxTokens: 5 }, call));
    expect(rateLimited).toMatchObject({ retryable: true, status: 429, retryAfterMs: 3000 });
    server.faults.push({ kind: "status", status: 503 });
    expect(await failure(provider.generate({ text: "a" }, { temperature: 0, maxTokens: 5 }, call))).toMatchObject({
      retryable: true,
      status: 503,
    });
    server.faults.push({ kind: "status", status: 400, body: JSON.stringify({ error: { message: `bad request, key ${SECRET}` } }) });
    expect(await failure(provider.generate({ text: "a" }, { temperature: 0, maxTokens: 5 }, call))).toMatchObject({
      retryable: false,
      status: 400,
    });
    server.faults.push({ kind: "status", status: 401 });
    const denied = await failure(provider.generate({ text: "a" }, { temperature: 0, maxTokens: 5 }, call));
    expect(denied).toMatchObject({ retryable: false, status: 401 });
    expect(denied.message).toMatch(/API key/);
  });

  it("makes exactly one request per call (the SDK's own retries are off)", async () => {
    const before = server.requests.length;
    server.faults.push({ kind: "status", status: 500 }, { kind: "status", status: 500 });
    await failure(provider.generate({ text: "a" }, { temperature: 0, maxTokens: 5 }, call));
    expect(server.requests.length - before).toBe(1);
  });

  it("treats malformed bodies, dropped connections and aborts as provider errors", async () => {
    server.faults.push({ kind: "malformed" });
    expect(await failure(provider.generate({ text: "a" }, { temperature: 0, maxTokens: 5 }, call))).toMatchObject({ retryable: true });
    server.faults.push({ kind: "reset" });
    expect(await failure(provider.generate({ text: "a" }, { temperature: 0, maxTokens: 5 }, call))).toMatchObject({ retryable: true });
    server.faults.push({ kind: "slow", ms: 5_000 });
    const controller = new AbortController();
    const pending = provider.generate({ text: "a" }, { temperature: 0, maxTokens: 5 }, { ...call, signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    expect(await failure(pending)).toMatchObject({ retryable: false });
  });

  it("needs a key only without a base URL, and never echoes it", async () => {
    vi.stubEnv("OPENAI_API_KEY", "");
    vi.stubEnv("OPENAI_BASE_URL", "");
    expect(() => openaiProvider({ target: "gpt-4o-mini", cwd: "." })).toThrow(UserError);
    expect(() => openaiProvider({ target: "gpt-4o-mini", cwd: "." })).toThrow(/OPENAI_API_KEY is not set/);
    const keyless = await openaiProvider({ target: "llama3.2", cwd: ".", config: { base_url: `${server.url}/v1` } });
    await keyless.generate({ text: "hi" }, { temperature: 0, maxTokens: 5 }, call);
    expect(server.requests.at(-1)!.headers.authorization).toBe("Bearer assay-no-key");
    vi.stubEnv("OPENAI_API_KEY", SECRET);
  });

  it("uses max_completion_tokens against OpenAI itself", async () => {
    // The SDK talks to https://api.openai.com; its requests are routed to the fake server.
    const realFetch = globalThis.fetch;
    vi.stubGlobal("fetch", (input: string | URL | Request, init?: RequestInit) =>
      realFetch(String(input instanceof Request ? input.url : input).replace("https://api.openai.com", server.url), init),
    );
    try {
      const official = await openaiProvider({ target: "gpt-4o-mini", cwd: ".", config: { base_url: "https://api.openai.com/v1" } });
      await official.generate({ text: "hi" }, { temperature: 0, maxTokens: 7 }, call);
      const body = server.requests.at(-1)!.body;
      expect(body.max_completion_tokens).toBe(7);
      expect(body.max_tokens).toBeUndefined();
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe("which servers are OpenAI's own", () => {
  it("decides by the base URL's host, not by a match in its path or query", async () => {
    const { isOpenAIHost } = await import("../../src/provider/openai.ts");
    expect(isOpenAIHost("https://api.openai.com/v1")).toBe(true);
    expect(isOpenAIHost("https://API.OpenAI.com:443/v1/")).toBe(true);
    expect(isOpenAIHost("http://localhost:8000/v1?upstream=api.openai.com")).toBe(false);
    expect(isOpenAIHost("http://proxy.local/api.openai.com/v1")).toBe(false);
    expect(isOpenAIHost("https://api.openai.com.evil.example/v1")).toBe(false);
    expect(isOpenAIHost("not a url")).toBe(false);
  });
});

/** The verdict schema judges send (judge-design.md): reasoning first, an integer verdict on the scale. */
const VERDICT_SCHEMA = {
  type: "object",
  properties: { reasoning: { type: "string" }, verdict: { type: "integer", minimum: 1, maximum: 5 } },
  required: ["reasoning", "verdict"],
  additionalProperties: false,
};

describe("openai provider against a scripted judge", () => {
  afterEach(() => {
    server.script = undefined;
  });

  it("sends top_logprobs with logprobs and the schema as strict json_schema, and fills TokenLogprob.top", async () => {
    server.script = () => {
      const tokens = tokensOf('{"reasoning": "right sum", "verdict": 4}', -0.01);
      const verdict = tokens.find((t) => t.token === " 4")!;
      verdict.logprob = -0.3;
      verdict.top = [
        { token: " 4", logprob: -0.3 },
        { token: " 5", logprob: -1.5 },
        { token: " 3", logprob: -2.9 },
      ];
      return { tokens };
    };
    const g = await provider.generate(
      { text: "judge this" },
      { temperature: 0, maxTokens: 100, logprobs: true, topLogprobs: 2, responseSchema: VERDICT_SCHEMA },
      call,
    );
    const body = server.bodies.at(-1);
    expect(body).toMatchObject({
      logprobs: true,
      top_logprobs: 2,
      response_format: { type: "json_schema", json_schema: { name: "response", strict: true, schema: VERDICT_SCHEMA } },
    });
    expect(JSON.parse(g.text)).toEqual({ reasoning: "right sum", verdict: 4 });
    const verdict = g.tokenLogprobs!.find((t) => t.token === " 4")!;
    expect(verdict).toEqual({
      token: " 4",
      logprob: -0.3,
      top: [
        { token: " 4", logprob: -0.3 },
        { token: " 5", logprob: -1.5 },
      ],
    });
    expect(g.tokenLogprobs!.map((t) => t.token).join("")).toBe(g.text);
  });

  it("asks for log-probs when only topLogprobs is given, and clamps N to OpenAI's 20", async () => {
    server.script = () => ({ text: "5" });
    const g = await provider.generate({ text: "x" }, { temperature: 0, maxTokens: 5, topLogprobs: 50 }, call);
    expect(server.bodies.at(-1)).toMatchObject({ logprobs: true, top_logprobs: 20 });
    expect(g.tokenLogprobs).toEqual([{ token: "5", logprob: 0, top: [{ token: "5", logprob: 0 }] }]);
  });

  it("passes finish_reason length and content_filter through, and no log-probs when the server sends none", async () => {
    server.script = () => ({ text: '{"reasoning": "the answer is', finishReason: "length", tokens: null });
    const cut = await provider.generate({ text: "x" }, { temperature: 0, maxTokens: 5, logprobs: true, topLogprobs: 5 }, call);
    expect(cut).toMatchObject({ text: '{"reasoning": "the answer is', finishReason: "length" });
    expect(cut.tokenLogprobs).toBeUndefined();
    server.script = () => ({ text: "", finishReason: "content_filter" });
    expect((await provider.generate({ text: "x" }, { temperature: 0, maxTokens: 5 }, call)).finishReason).toBe("content_filter");
  });

  it("answers a scripted HTTP status or garbage body as a provider error, and sees each request body", async () => {
    server.script = (body) => (body.messages[0].content === "busy" ? { status: 429, retryAfter: "2" } : { raw: "not json at all" });
    expect(await failure(provider.generate({ text: "busy" }, { temperature: 0, maxTokens: 5 }, call))).toMatchObject({
      retryable: true,
      status: 429,
      retryAfterMs: 2000,
    });
    expect(await failure(provider.generate({ text: "other" }, { temperature: 0, maxTokens: 5 }, call))).toMatchObject({ retryable: true });
    expect(server.bodies.slice(-2).map((b) => b.messages[0].content)).toEqual(["busy", "other"]);
  });

  it("is refused, like OpenAI, a strict schema that leaves additionalProperties open", async () => {
    const loose = { type: "object", properties: { verdict: { type: "integer" } }, required: ["verdict"] };
    const error = await failure(provider.generate({ text: "x" }, { temperature: 0, maxTokens: 5, responseSchema: loose }, call));
    expect(error).toMatchObject({ retryable: false, status: 400 });
    expect(error.message).toMatch(/additionalProperties/);
  });
});
