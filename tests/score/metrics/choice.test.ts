// Multiple-choice extraction and lm-eval acc / acc_norm.
import { describe, expect, it } from "vitest";
import {
  accFromLoglikelihoods,
  accNormFromLoglikelihoods,
  choiceScorer,
  extractChoice,
  goldChoice,
} from "../../../src/score/metrics/choice.ts";

const choices = ["Paris", "London", "Berlin", "Madrid"];

describe("extractChoice", () => {
  const cases: [string, number | null][] = [
    ["B", 1],
    ["(c)", 2],
    ["D.", 3],
    ["b)", 1],
    ["[A]", 0],
    ["The answer is (C).", 2],
    ["Answer: B", 1],
    ["I think the answer is D", 3],
    ["Let me think. A is wrong, B is wrong. The answer is C.", 2],
    ["berlin", 2],
    ["It must be London.", 1],
    ["Paris or London", null],
    ["the answer is a city in Germany", null],
    ["I don't know", null],
    ["", null],
    ["E", null],
  ];
  for (const [answer, expected] of cases) {
    it(JSON.stringify(answer), () => expect(extractChoice(answer, choices)).toBe(expected));
  }
  it("prefers the longer option when one contains another", () => {
    expect(extractChoice("dark red", ["red", "dark red", "blue"])).toBe(1);
  });
});

describe("goldChoice", () => {
  it("reads a label, an index or option text", () => {
    expect(goldChoice("C", choices)).toBe(2);
    expect(goldChoice("1", choices)).toBe(1);
    expect(goldChoice("madrid", choices)).toBe(3);
    expect(goldChoice("Rome", choices)).toBe(null);
  });
});

describe("acc / acc_norm (lm-eval definitions)", () => {
  it("acc is the argmax of log-likelihoods, first on ties", () => {
    expect(accFromLoglikelihoods([-3, -1, -1], 1)).toBe(1);
    expect(accFromLoglikelihoods([-3, -1, -1], 2)).toBe(0);
  });
  it("acc_norm divides by length", () => {
    // raw: choice 0 wins; per byte: choice 1 (-6/12 = -0.5 > -2/3)
    expect(accNormFromLoglikelihoods([-2, -6], [3, 12], 1)).toBe(1);
  });
  it("the scorer uses log-likelihoods when present", () => {
    const lls = [
      { logprob: -2, tokens: 1, bytes: 3 },
      { logprob: -6, tokens: 3, bytes: 12 },
    ];
    const base = { answer: null, output: "", targets: ["B"], item: {}, choiceLoglikelihoods: lls };
    expect((choiceScorer({}).score(base) as { value: number }).value).toBe(0);
    expect((choiceScorer({ metric: "acc_norm" }).score(base) as { value: number }).value).toBe(1);
  });
  it("the scorer extracts from a generation", () => {
    const r = choiceScorer({}).score({
      answer: "The answer is (C)",
      output: "",
      targets: ["Berlin"],
      item: {},
      task: { id: "t", choices },
    }) as { value: number };
    expect(r.value).toBe(1);
    const u = choiceScorer({}).score({ answer: "C", output: "", targets: ["Rome"], item: {}, task: { id: "t", choices } }) as {
      value: number | null;
    };
    expect(u.value).toBe(null);
  });
});
