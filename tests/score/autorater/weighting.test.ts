import { describe, expect, it } from "vitest";
import { weightVerdict } from "../../../src/score/autorater/weighting.ts";

const scale = { kind: "scale" as const, lo: 1, hi: 5 };
const tokens = (parts: string[], at: number, top: [string, number][]) =>
  parts.map((token, i) => ({
    token,
    logprob: -0.1,
    top: i === at ? top.map(([t, p]) => ({ token: t, logprob: Math.log(p) })) : undefined,
  }));

describe("G-Eval weighting", () => {
  it("renormalises the scale's values among the top log-probs and takes the expected score", () => {
    const reply = '{"reasoning":"ok","verdict":4}';
    const parts = ['{"', "reason", 'ing":"', "ok", '","', "verdict", '":', "4", "}"];
    // p(4)=0.6, p(3)=0.2, p(5)=0.1, and 0.05 on a token that is no verdict: over the verdicts
    // the total is 0.9, so the score is (4*0.6 + 3*0.2 + 5*0.1) / 0.9 = 3.5 / 0.9.
    const result = weightVerdict(
      tokens(parts, 7, [
        ["4", 0.6],
        ["3", 0.2],
        ["5", 0.1],
        ["x", 0.05],
      ]),
      reply,
      reply.indexOf("4}"),
      "4",
      scale,
    );
    expect("score" in result).toBe(true);
    if (!("score" in result)) return;
    expect(result.score).toBeCloseTo(3.5 / 0.9, 12);
    expect(result.distribution).toEqual({
      "3": expect.closeTo(0.2 / 0.9, 12),
      "4": expect.closeTo(0.6 / 0.9, 12),
      "5": expect.closeTo(0.1 / 0.9, 12),
    });
  });

  it("weights choices by the token that starts exactly one choice's name", () => {
    const reply = '{"reasoning":"x","verdict":"incorrect"}';
    const parts = ['{"reasoning":"x","verdict":"', "inc", "orrect", '"}'];
    const choices = { kind: "choices" as const, choices: { correct: 1, incorrect: 0 } };
    const result = weightVerdict(
      tokens(parts, 1, [
        ["inc", 0.7],
        ["correct", 0.3],
      ]),
      reply,
      reply.indexOf("incorrect"),
      "incorrect",
      choices,
    );
    expect(result).toMatchObject({
      score: expect.closeTo(0.3, 12),
      distribution: { correct: expect.closeTo(0.3, 12), incorrect: expect.closeTo(0.7, 12) },
    });
  });

  it("says why it cannot weight: no log-probs, no top log-probs, a verdict over several tokens", () => {
    const reply = '{"reasoning":"x","verdict":10}';
    expect(weightVerdict(undefined, reply, 27, "10", { kind: "scale", lo: 1, hi: 10 })).toEqual({
      reason: "the backend returned no log-probs",
    });
    const split = ['{"reasoning":"x","verdict":', "1", "0", "}"];
    expect(weightVerdict(tokens(split, 1, [["1", 0.9]]), reply, reply.indexOf("10"), "10", { kind: "scale", lo: 1, hi: 10 })).toEqual({
      reason: "the verdict is not written as one token",
    });
    const plain = ['{"reasoning":"x","verdict":', "4", "}"];
    const r = '{"reasoning":"x","verdict":4}';
    expect(weightVerdict(tokens(plain, -1, []), r, r.indexOf("4}"), "4", scale)).toEqual({
      reason: "the backend returned no top log-probs",
    });
  });
});
