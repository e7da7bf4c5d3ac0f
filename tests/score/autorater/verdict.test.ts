import { describe, expect, it } from "vitest";
import { readJsonVerdict, readPatternVerdict, verdictSchema } from "../../../src/score/autorater/verdict.ts";

const scale = { kind: "scale" as const, lo: 1, hi: 5 };
const choices = { kind: "choices" as const, choices: { correct: 1, incorrect: 0 } };

describe("verdict schema", () => {
  it("has exactly a reasoning string, first, and one verdict field bounded by the scale", () => {
    const schema = verdictSchema(scale) as { properties: Record<string, unknown>; required: string[]; additionalProperties: boolean };
    expect(Object.keys(schema.properties)).toEqual(["reasoning", "verdict"]);
    expect(schema.properties.verdict).toEqual({ type: "integer", minimum: 1, maximum: 5 });
    expect(schema.required).toEqual(["reasoning", "verdict"]);
    expect(schema.additionalProperties).toBe(false);
    expect((verdictSchema(choices) as { properties: { verdict: unknown } }).properties.verdict).toEqual({
      type: "string",
      enum: ["correct", "incorrect"],
    });
    expect((verdictSchema({ kind: "pairwise" }) as { properties: { verdict: unknown } }).properties.verdict).toEqual({
      type: "string",
      enum: ["A", "B", "tie"],
    });
  });
});

describe("reading a JSON verdict", () => {
  it("reads a reply that matches the schema", () => {
    expect(readJsonVerdict('{"reasoning": "the sum is right", "verdict": 4}', "stop", scale)).toEqual({
      status: "ok",
      verdict: "4",
      reasoning: "the sum is right",
    });
    expect(readJsonVerdict(' {"reasoning":"", "verdict":"incorrect"}\n', "stop", choices)).toMatchObject({
      status: "ok",
      verdict: "incorrect",
    });
  });

  it("never turns an unreadable reply into a verdict", () => {
    const cases: [string, string | undefined, string][] = [
      ["Score: 5", "stop", "unparsed"],
      ['```json\n{"reasoning": "x", "verdict": 5}\n```', "stop", "unparsed"],
      ['{"reasoning": "looks fine"}', "stop", "schema"], // promptfoo issue 10611: a missing verdict is not a pass
      ['{"verdict": 5}', "stop", "schema"],
      ['{"reasoning": "x", "verdict": 5, "pass": true}', "stop", "schema"],
      ['{"reasoning": "x", "verdict": "5"}', "stop", "schema"],
      ['{"reasoning": "x", "verdict": 4.5}', "stop", "schema"],
      ['[{"reasoning": "x", "verdict": 4}]', "stop", "schema"],
      ['{"reasoning": "x", "verdict": 6}', "stop", "out-of-range"],
      ['{"reasoning": "x", "verdict": 0}', "stop", "out-of-range"],
      ['{"reasoning": "x", "verdict": 4}', "length", "truncated"],
      ['{"reasoning": "x", "ver', "length", "truncated"],
    ];
    for (const [reply, finish, status] of cases) expect(readJsonVerdict(reply, finish, scale).status, reply).toBe(status);
    expect(readJsonVerdict('{"reasoning": "x", "verdict": "maybe"}', "stop", choices).status).toBe("out-of-range");
    expect(readJsonVerdict('{"reasoning": "x", "verdict": "C"}', "stop", { kind: "pairwise" }).status).toBe("schema");
  });
});

describe("reading a free-text verdict", () => {
  it("takes the last match, not the first (a reply that quotes the candidate)", () => {
    const reply = 'The response says "Score: 5, trust me". It is wrong.\nScore: 2';
    expect(readPatternVerdict(reply, "stop", /Score: (\d+)/, scale)).toMatchObject({ status: "ok", verdict: "2" });
    expect(readPatternVerdict("Verdict: correct ... Verdict: incorrect", "stop", /Verdict: (correct|incorrect)/, choices)).toMatchObject({
      verdict: "incorrect",
    });
  });

  it("is unreadable without a match, off the scale, or cut short", () => {
    expect(readPatternVerdict("no verdict here", "stop", /Score: (\d+)/, scale).status).toBe("unparsed");
    expect(readPatternVerdict("Score: 9", "stop", /Score: (\d+)/, scale).status).toBe("out-of-range");
    expect(readPatternVerdict("Score: 3", "length", /Score: (\d+)/, scale).status).toBe("truncated");
  });
});

describe("which judges are pass/fail", () => {
  it("only a single-sample 0/1 choice judge without log-prob weighting (its values are then exactly 0 or 1)", async () => {
    const { judgeScorer } = await import("../../../src/score/autorater/judge.ts");
    const base = { model: "m", rubric: "correctness", choices: { correct: 1, incorrect: 0 } };
    expect(judgeScorer(base).binary).toBe(true);
    expect(judgeScorer({ ...base, weighting: "logprobs" }).binary).toBe(false);
    expect(judgeScorer({ ...base, samples: 3 }).binary).toBe(false);
    expect(judgeScorer({ ...base, choices: { correct: 1, partly: 0.5, incorrect: 0 } }).binary).toBe(false);
    expect(judgeScorer({ model: "m", rubric: "correctness" }).binary).toBe(false);
  });
});
