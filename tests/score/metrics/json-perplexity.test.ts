// JSON validity / JSON Schema scorer and perplexity / bits-per-byte.
import { describe, expect, it } from "vitest";
import { isValidJson, jsonScorer, stripCodeFence } from "../../../src/score/metrics/json.ts";
import { bitsPerByte, perplexity, perplexityScorer, tokenPerplexity, weightedPerplexity } from "../../../src/score/metrics/perplexity.ts";

const input = (answer: string | null) => ({ answer, output: answer ?? "", targets: [], item: {} });

describe("json scorer", () => {
  it("checks JSON validity strictly", () => {
    expect(isValidJson('{"a": 1}')).toBe(true);
    expect(isValidJson("{'a': 1}")).toBe(false);
    expect(isValidJson("NaN")).toBe(false);
    expect(isValidJson("[1, 2,]")).toBe(false);
    expect(stripCodeFence('```json\n{"a": 1}\n```')).toBe('{"a": 1}');
  });
  it("validates against a schema", () => {
    const scorer = jsonScorer({
      schema: { type: "object", required: ["name"], properties: { name: { type: "string" }, age: { type: "integer", minimum: 0 } } },
    });
    expect((scorer.score(input('{"name": "Ada", "age": 36}')) as { value: number }).value).toBe(1);
    const bad = scorer.score(input('{"age": -1}')) as { value: number; explanation: string };
    expect(bad.value).toBe(0);
    expect(bad.explanation).toMatch(/schema/);
    expect((scorer.score(input("not json")) as { value: number }).value).toBe(0);
    expect((scorer.score(input(null)) as { value: number }).value).toBe(0);
  });
  it("supports 2020-12 schemas and rejects invalid ones", () => {
    const s = jsonScorer({
      schema: { $schema: "https://json-schema.org/draft/2020-12/schema", type: "array", prefixItems: [{ type: "number" }] },
    });
    expect((s.score(input("[1]")) as { value: number }).value).toBe(1);
    expect((s.score(input('["x"]')) as { value: number }).value).toBe(0);
    expect(() => jsonScorer({ schema: { type: "nope" } })).toThrow(/invalid JSON Schema/);
  });
});

describe("perplexity (lm-eval definitions)", () => {
  it("computes perplexity, weighted perplexity and bits per byte", () => {
    expect(tokenPerplexity([Math.log(0.5), Math.log(0.5)])).toBeCloseTo(2, 12);
    expect(perplexity([-1, -3])).toBeCloseTo(Math.exp(2), 12);
    expect(
      weightedPerplexity([
        { loglikelihood: -10, weight: 5 },
        { loglikelihood: -2, weight: 1 },
      ]),
    ).toBeCloseTo(Math.exp(2), 12);
    expect(bitsPerByte([{ loglikelihood: -Math.LN2 * 8, bytes: 4 }])).toBeCloseTo(2, 12);
  });
  it("the scorer pools statistics over items", () => {
    const s = perplexityScorer({ unit: "bits-per-byte" });
    const a = s.score({ ...input(null), choiceLoglikelihoods: [{ logprob: -10, tokens: 4, bytes: 10 }] }) as { stats: number[] };
    const b = s.score({ ...input(null), choiceLoglikelihoods: [{ logprob: -2, tokens: 1, bytes: 6 }] }) as { stats: number[] };
    expect(s.aggregate!(a.stats.map((v, i) => v + b.stats[i]))).toBeCloseTo(12 / 16 / Math.LN2, 12);
    expect((s.score(input("x")) as { value: number | null }).value).toBe(null);
    expect(() => perplexityScorer({ unit: "nats" })).toThrow(
      /^scorer perplexity: unit: Invalid option: expected one of "token"\|"byte"\|"bits-per-byte"$/,
    );
  });
});
