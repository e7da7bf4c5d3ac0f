// The gemini backend through the real @google/genai SDK against a fake generateContent server.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ProviderError, UserError } from "../../src/errors.ts";
import { geminiProvider } from "../../src/provider/gemini.ts";
import type { Provider } from "../../src/provider/types.ts";
import { startFakeGemini, tokensOf, type FakeServer } from "../fixtures/fake-gemini-server.ts";

const call = { task: "t", item: "i", strategy: "s", sample: 0 };
const SECRET = "AIzaSy-test-SECRET-0123456789";
let server: FakeServer;
let provider: Provider;

beforeAll(async () => {
  server = await startFakeGemini();
  vi.stubEnv("GEMINI_API_KEY", SECRET);
  vi.stubEnv("GOOGLE_API_KEY", "");
  provider = await geminiProvider({ target: "gemini-2.5-flash", cwd: ".", config: { base_url: server.url } });
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
  expect((error as Error).message).not.toContain(SECRET);
  expect(JSON.stringify(error)).not.toContain(SECRET);
  return error as ProviderError;
}

describe("gemini provider", () => {
  it("maps parameters onto the generateContent request", async () => {
    const g = await provider.generate(
      { system: "You are a judge.", text: "rate this" },
      {
        temperature: 0.3,
        topK: 40,
        topP: 0.8,
        maxTokens: 64,
        stop: ["END"],
        seed: 9,
        logprobs: true,
        responseSchema: { type: "object", properties: { verdict: { type: "string" } } },
      },
      call,
    );
    const request = server.requests.at(-1)!;
    expect(request.url).toBe("/v1beta/models/gemini-2.5-flash:generateContent");
    expect(request.headers["x-goog-api-key"]).toBe(SECRET);
    expect(request.body.contents).toEqual([{ role: "user", parts: [{ text: "rate this" }] }]);
    expect(request.body.systemInstruction).toMatchObject({ parts: [{ text: "You are a judge." }] });
    expect(request.body.generationConfig).toMatchObject({
      temperature: 0.3,
      topK: 40,
      topP: 0.8,
      maxOutputTokens: 64,
      stopSequences: ["END"],
      seed: 9,
      responseLogprobs: true,
      responseMimeType: "application/json",
      responseJsonSchema: { type: "object", properties: { verdict: { type: "string" } } },
    });
    expect(JSON.parse(g.text)).toEqual({ verdict: "pass" });
    expect(g.finishReason).toBe("stop");
  });

  it("records finish reasons, usage metadata and log-probs", async () => {
    const g = await provider.generate({ text: "a b c d e" }, { temperature: 0, maxTokens: 2, logprobs: true }, call);
    expect(g.text).toBe("echo: a");
    expect(g.finishReason).toBe("length");
    expect(g.inputTokens).toBe(7);
    expect(g.outputTokens).toBe(4); // 2 answer + 2 thinking tokens
    expect(g.tokenLogprobs).toEqual([
      { token: "echo:", logprob: -0.25 },
      { token: " a", logprob: -0.5 },
    ]);
  });

  it("reports a safety block as finish reason safety with empty text", async () => {
    server.faults.push({ kind: "safety" });
    const g = await provider.generate({ text: "something" }, { temperature: 0, maxTokens: 20 }, call);
    expect(g).toMatchObject({ text: "", finishReason: "safety" });
  });

  it("classifies 429 (Retry-After), 500, 400 and 403, making one request per call", async () => {
    const before = server.requests.length;
    server.faults.push({ kind: "status", status: 429, retryAfter: "7" });
    expect(await failure(provider.generate({ text: "a" }, { temperature: 0, maxTokens: 5 }, call))).toMatchObject({
      retryable: true,
      status: 429,
      retryAfterMs: 7000,
    });
    expect(server.requests.length - before).toBe(1);
    const retryInfo = JSON.stringify({
      error: {
        code: 429,
        status: "RESOURCE_EXHAUSTED",
        message: "quota",
        details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "13s" }],
      },
    });
    server.faults.push({ kind: "status", status: 429, body: retryInfo });
    expect(await failure(provider.generate({ text: "a" }, { temperature: 0, maxTokens: 5 }, call))).toMatchObject({
      retryable: true,
      retryAfterMs: 13000,
    });
    server.faults.push({ kind: "status", status: 500 });
    expect(await failure(provider.generate({ text: "a" }, { temperature: 0, maxTokens: 5 }, call))).toMatchObject({
      retryable: true,
      status: 500,
    });
    server.faults.push({
      kind: "status",
      status: 400,
      body: JSON.stringify({ error: { code: 400, message: `API key ${SECRET} not valid`, status: "INVALID_ARGUMENT" } }),
    });
    expect(await failure(provider.generate({ text: "a" }, { temperature: 0, maxTokens: 5 }, call))).toMatchObject({
      retryable: false,
      status: 400,
    });
    server.faults.push({ kind: "status", status: 403 });
    expect(await failure(provider.generate({ text: "a" }, { temperature: 0, maxTokens: 5 }, call))).toMatchObject({
      retryable: false,
      status: 403,
    });
  });

  it("treats malformed bodies and dropped connections as retryable, aborts as final", async () => {
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

  it("needs a key from GEMINI_API_KEY or GOOGLE_API_KEY", async () => {
    vi.stubEnv("GEMINI_API_KEY", "");
    vi.stubEnv("GEMINI_BASE_URL", "");
    expect(() => geminiProvider({ target: "gemini-2.5-flash", cwd: "." })).toThrow(UserError);
    vi.stubEnv("GOOGLE_API_KEY", "google-key-0123");
    const p = await geminiProvider({ target: "gemini-2.5-flash", cwd: ".", config: { base_url: server.url } });
    await p.generate({ text: "hi" }, { temperature: 0, maxTokens: 5 }, call);
    expect(server.requests.at(-1)!.headers["x-goog-api-key"]).toBe("google-key-0123");
    vi.stubEnv("GEMINI_API_KEY", SECRET);
  });
});

const VERDICT_SCHEMA = {
  type: "object",
  properties: { reasoning: { type: "string" }, verdict: { type: "string", enum: ["correct", "incorrect"] } },
  required: ["reasoning", "verdict"],
  additionalProperties: false,
};

describe("gemini provider against a scripted judge", () => {
  afterEach(() => {
    server.script = undefined;
  });

  it("sends responseLogprobs, logprobs and responseJsonSchema under generationConfig and fills top from topCandidates", async () => {
    server.script = () => {
      const tokens = tokensOf('{"reasoning": "ok", "verdict": "correct"}', -0.05);
      const verdict = tokens.find((t) => t.token === "correct")!;
      verdict.logprob = -0.1;
      verdict.top = [
        { token: "correct", logprob: -0.1 },
        { token: "incorrect", logprob: -2.4 },
        { token: "cor", logprob: -6 },
        { token: "in", logprob: -7 },
      ];
      return { tokens };
    };
    const g = await provider.generate(
      { text: "judge" },
      { temperature: 0, maxTokens: 200, logprobs: true, topLogprobs: 3, responseSchema: VERDICT_SCHEMA },
      call,
    );
    const body = server.bodies.at(-1);
    expect(body.generationConfig).toMatchObject({
      responseLogprobs: true,
      logprobs: 3,
      responseMimeType: "application/json",
      responseJsonSchema: VERDICT_SCHEMA,
    });
    expect(body.generationConfig.responseSchema).toBeUndefined();
    expect(body.responseJsonSchema).toBeUndefined();
    expect(JSON.parse(g.text)).toEqual({ reasoning: "ok", verdict: "correct" });
    expect(g.tokenLogprobs!.find((t) => t.token === "correct")).toEqual({
      token: "correct",
      logprob: -0.1,
      top: [
        { token: "correct", logprob: -0.1 },
        { token: "incorrect", logprob: -2.4 },
        { token: "cor", logprob: -6 },
      ],
    });
    expect(g.tokenLogprobs!.map((t) => t.token).join("")).toBe(g.text);
  });

  it("asks for log-probs when only topLogprobs is given, and clamps N to 20", async () => {
    server.script = () => ({ text: "4" });
    const g = await provider.generate({ text: "x" }, { temperature: 0, maxTokens: 5, topLogprobs: 64 }, call);
    expect(server.bodies.at(-1).generationConfig).toMatchObject({ responseLogprobs: true, logprobs: 20 });
    expect(g.tokenLogprobs).toEqual([{ token: "4", logprob: 0, top: [{ token: "4", logprob: 0 }] }]);
  });

  it("normalises MAX_TOKENS to length, and gives no log-probs when the server sends none", async () => {
    server.script = () => ({ text: '{"reasoning": "hmm', finishReason: "length", tokens: null });
    const cut = await provider.generate({ text: "x" }, { temperature: 0, maxTokens: 5, logprobs: true, topLogprobs: 2 }, call);
    expect(cut).toMatchObject({ text: '{"reasoning": "hmm', finishReason: "length" });
    expect(cut.tokenLogprobs).toBeUndefined();
  });

  it("answers a scripted HTTP status as a provider error", async () => {
    server.script = () => ({ status: 503, error: "overloaded" });
    expect(await failure(provider.generate({ text: "x" }, { temperature: 0, maxTokens: 5 }, call))).toMatchObject({
      retryable: true,
      status: 503,
    });
  });
});

describe("the fake servers' tokenizer", () => {
  it("splits text into tokens that join back exactly, each digit run and word its own token", () => {
    const text = '{"reasoning": "2 + 2 = 4, naïve\n  ok", "verdict": 5}';
    const tokens = tokensOf(text);
    expect(tokens.map((t) => t.token).join("")).toBe(text);
    expect(tokens.map((t) => t.token)).toContain(" 5");
    expect(tokens.map((t) => t.token)).toContain(" naïve");
    expect(tokensOf("")).toEqual([]);
  });
});
