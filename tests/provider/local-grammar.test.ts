// The local backend's constrained output (a llama.cpp grammar from a JSON schema) and top
// log-probs, on a tiny random-weight GGUF that would never write JSON by itself.
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type AjvModule from "ajv";
import { getLlama, type Token } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProviderError } from "../../src/errors.ts";
import { GrammarCache, grammarSchema, topTokens } from "../../src/provider/local-grammar.ts";
import { type LocalProvider, localProvider } from "../../src/provider/local.ts";
import { writeTinyGguf } from "../fixtures/gguf-writer.ts";

const Ajv = createRequire(import.meta.url)("ajv") as typeof AjvModule;
const ajv = new Ajv.default({ strict: false });
const call = { task: "t", item: "i", strategy: "s", sample: 0 };

/** The judge's verdict schemas (judge-design.md): reasoning first, then a scale or a choice. */
const JUDGE_SCALE = {
  type: "object",
  properties: { reasoning: { type: "string" }, verdict: { type: "integer", minimum: 1, maximum: 5 } },
  required: ["reasoning", "verdict"],
  additionalProperties: false,
};
const JUDGE_CHOICES = {
  type: "object",
  properties: { reasoning: { type: "string" }, verdict: { type: "string", enum: ["correct", "incorrect"] } },
  required: ["reasoning", "verdict"],
  additionalProperties: false,
};
/**
 * The same with the reasoning bounded: a random model closes a string only by chance (about one
 * token in its vocabulary), so unbounded it would run to max tokens.
 */
const bounded = (schema: typeof JUDGE_SCALE | typeof JUDGE_CHOICES) => ({
  ...schema,
  properties: { ...schema.properties, reasoning: { type: "string", maxLength: 24 } },
});
const SCALE = bounded(JUDGE_SCALE);
const CHOICES = bounded(JUDGE_CHOICES);

let dir: string;
let modelPath: string;
let provider: LocalProvider;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "assay-grammar-"));
  modelPath = writeTinyGguf({ dir, seed: 3 }).path;
  provider = (await localProvider({ target: modelPath, cwd: dir, config: { context_size: 512 } })) as LocalProvider;
});
afterAll(async () => {
  await provider?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("local provider: JSON-schema constrained output", () => {
  const prompts = ["Rate the answer: 2+2=5.", "Judge this.", "The quick brown fox"];

  it("writes JSON valid against the schema for every prompt and seed, though the model alone writes none", async () => {
    for (const [schema, judgeSchema] of [
      [SCALE, JUDGE_SCALE],
      [CHOICES, JUDGE_CHOICES],
    ]) {
      const validate = ajv.compile(judgeSchema);
      for (const text of prompts) {
        const free = await provider.generate({ text }, { temperature: 0, maxTokens: 40 }, call);
        expect(() => JSON.parse(free.text)).toThrow();
        for (const temperature of [0, 1]) {
          for (const seed of temperature ? [1, 2, 3] : [0]) {
            const g = await provider.generate({ text }, { temperature, seed, maxTokens: 200, responseSchema: schema }, call);
            expect(g.finishReason).toBe("stop");
            const value = JSON.parse(g.text);
            expect(validate(value), `${g.text}: ${ajv.errorsText(validate.errors)}`).toBe(true);
            expect(Object.keys(value)).toEqual(["reasoning", "verdict"]);
          }
        }
      }
    }
  });

  it("stops as soon as the JSON is complete, and reports length when max tokens cut it", async () => {
    const whole = await provider.generate({ text: "Judge this." }, { temperature: 0, maxTokens: 200, responseSchema: SCALE }, call);
    expect(whole.text).toBe(whole.text.trim());
    expect(whole.outputTokens).toBeLessThan(200);
    const cut = await provider.generate({ text: "Judge this." }, { temperature: 0, maxTokens: 4, responseSchema: SCALE }, call);
    expect(cut.finishReason).toBe("length");
    expect(cut.outputTokens).toBe(4);
    expect(whole.text.startsWith(cut.text)).toBe(true);
    expect(() => JSON.parse(cut.text)).toThrow();
  });

  it("turns a bounded integer into the enum of its values, leaving other schemas as they are", () => {
    expect(grammarSchema(SCALE)).toEqual({ ...SCALE, properties: { ...SCALE.properties, verdict: { enum: [1, 2, 3, 4, 5] } } });
    expect(grammarSchema({ type: "integer", exclusiveMinimum: 0, exclusiveMaximum: 3 })).toEqual({ enum: [1, 2] });
    expect(grammarSchema({ type: "integer", minimum: 0 })).toEqual({ type: "integer", minimum: 0 });
    expect(grammarSchema({ type: "integer", minimum: 0, maximum: 1e6 })).toEqual({ type: "integer", minimum: 0, maximum: 1e6 });
    expect(grammarSchema({ type: "array", items: { type: "integer", minimum: -1, maximum: 1 } })).toEqual({
      type: "array",
      items: { enum: [-1, 0, 1] },
    });
    expect(grammarSchema(CHOICES)).toEqual(CHOICES);
    expect(grammarSchema({ anyOf: [{ type: "string" }, { type: "null" }] })).toEqual({ oneOf: [{ type: "string" }, { type: "null" }] });
  });

  it("refuses, as a non-retryable error naming the node, a schema node-llama-cpp would silently turn into null", async () => {
    expect(() => grammarSchema({ type: "object", properties: { verdict: {} } })).toThrow("#/properties/verdict has no type");
    expect(() => grammarSchema({ type: "strnig" })).toThrow('# has the unknown type "strnig"');
    expect(() => grammarSchema({ allOf: [{ type: "string" }] })).toThrow("allOf");
    const error = await provider
      .generate(
        { text: "x" },
        { temperature: 0, maxTokens: 5, responseSchema: { type: "object", properties: { v: { type: "foo" } } } },
        call,
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ retryable: false });
    expect((error as Error).message).toMatch(/cannot build a llama.cpp grammar.*#\/properties\/v has the unknown type "foo"/);
  });

  it("builds each schema's grammar once", async () => {
    const cache = new GrammarCache(provider.model.llama);
    const a = cache.get(SCALE);
    expect(cache.get(JSON.parse(JSON.stringify(SCALE)))).toBe(a);
    expect(cache.get(CHOICES)).not.toBe(a);
    await Promise.all([a, cache.get(CHOICES)]);
  });
});

describe("local provider: top log-probs", () => {
  it("match an independent full-softmax computation at temperature 0: sorted, at most N, the chosen token first", async () => {
    const prompt = { text: "Hello there" };
    const g = await provider.generate(prompt, { temperature: 0, maxTokens: 5, logprobs: true, topLogprobs: 4 }, call);
    const llama = await getLlama({ gpu: false, build: "never", maxThreads: 2 });
    const model = await llama.loadModel({ modelPath });
    const context = await model.createContext({ contextSize: 256, threads: 1, flashAttention: false });
    const expected: { token: string; logprob: number }[][] = [];
    const chosen: Token[] = [];
    for await (const next of context
      .getSequence()
      .evaluateWithMetadata(provider.promptTokens(prompt), { probabilities: true }, { temperature: 0 })) {
      const sorted = [...next.probabilities].sort((x, y) => y[1] - x[1]).slice(0, 4);
      expected.push(sorted.map(([token, p]) => ({ token: model.detokenize([token], false, chosen.slice(-4)), logprob: Math.log(p) })));
      chosen.push(next.token);
      if (chosen.length === 5) break;
    }
    await context.dispose();
    await model.dispose();
    expect(g.tokenLogprobs).toHaveLength(5);
    g.tokenLogprobs!.forEach((t, i) => {
      expect(t.top).toHaveLength(4);
      expect(t.top!.map((a) => a.token)).toEqual(expected[i].map((a) => a.token));
      t.top!.forEach((a, j) => expect(a.logprob).toBeCloseTo(expected[i][j].logprob, 5));
      expect(t.top![0]).toEqual({ token: t.token, logprob: t.logprob });
    });
  });

  it("under sampling and a grammar: sorted, at most N, sum of probabilities <= 1, the chosen token's log-prob its entry when it ranks", async () => {
    let ranked = 0;
    for (const seed of [1, 2, 3, 4]) {
      const g = await provider.generate(
        { text: "Judge this." },
        { temperature: 1, seed, maxTokens: 200, logprobs: true, topLogprobs: 3, responseSchema: SCALE },
        call,
      );
      for (const t of g.tokenLogprobs!) {
        const top = t.top!;
        expect(top.length).toBeGreaterThan(0);
        expect(top.length).toBeLessThanOrEqual(3);
        for (let j = 1; j < top.length; j++) expect(top[j].logprob).toBeLessThanOrEqual(top[j - 1].logprob);
        // llama.cpp normalises in float32: a sum may exceed 1 by a few ulps.
        expect(top.reduce((sum, a) => sum + Math.exp(a.logprob), 0)).toBeLessThanOrEqual(1 + 1e-6);
        // Token texts can repeat (a character token and its byte token), so match on text and log-prob.
        if (t.logprob >= top.at(-1)!.logprob) {
          ranked++;
          expect(top.some((a) => a.token === t.token && a.logprob === t.logprob)).toBe(true);
        }
      }
      // At the verdict the grammar admits only the scale: every alternative is one of its digits.
      const verdictAt = g.tokenLogprobs!.findIndex(
        (t, i) =>
          /\d/.test(t.token) &&
          g
            .tokenLogprobs!.slice(0, i)
            .map((x) => x.token)
            .join("")
            .includes('"verdict"'),
      );
      expect(verdictAt).toBeGreaterThan(0);
      for (const a of g.tokenLogprobs![verdictAt].top!) expect(a.token.trim()).toMatch(/^[1-5]$/);
    }
    expect(ranked).toBeGreaterThan(0);
  });

  it("keeps the N largest of a probability map, skipping zeros", () => {
    const map = new Map<Token, number>([
      [1 as Token, 0.1],
      [2 as Token, 0.5],
      [3 as Token, 0],
      [4 as Token, 0.3],
      [5 as Token, 0.1],
    ]);
    expect(topTokens(map, 2)).toEqual([
      { token: 2, logprob: Math.log(0.5) },
      { token: 4, logprob: Math.log(0.3) },
    ]);
    expect(topTokens(map, 10).map((t) => t.token)).toEqual([2, 4, 1, 5]);
  });
});
