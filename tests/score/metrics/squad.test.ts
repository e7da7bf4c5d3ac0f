// SQuAD v1.1 EM/F1 conformance against the official evaluate-v1.1.py functions.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { f1Scorer, normalizeAnswer, squadExactMatch, squadF1 } from "../../../src/score/metrics/squad.ts";

const fixture = JSON.parse(readFileSync(new URL("../../fixtures/conformance/squad.json", import.meta.url), "utf8"));

describe("SQuAD v1.1 conformance", () => {
  it(`normalisation, EM and F1 on ${fixture.cases.length} cases`, () => {
    for (const c of fixture.cases) {
      expect(normalizeAnswer(c.prediction), JSON.stringify(c.prediction)).toBe(c.normalized);
      expect(squadExactMatch(c.prediction, c.references)).toBe(c.em);
      expect(Math.abs(squadF1(c.prediction, c.references) - c.f1)).toBeLessThan(1e-12);
    }
  });

  it("removes articles only at Unicode word boundaries, as Python's \\b", () => {
    expect(normalizeAnswer("théa the café")).toBe("théa café");
    expect(normalizeAnswer("the\u0301 end")).toBe("\u0301 end");
  });
});

describe("f1 scorer", () => {
  it("scores a missing answer as the empty string and says so", () => {
    const r = f1Scorer({}).score({ answer: null, output: "", targets: ["Paris"], item: {} }) as { value: number; explanation: string };
    expect(r.value).toBe(0);
    expect(r.explanation).toMatch(/no answer extracted/);
  });
  it("takes the max over references", () => {
    const r = f1Scorer({}).score({ answer: "the Eiffel tower", output: "", targets: ["tower", "Eiffel Tower"], item: {} }) as {
      value: number;
    };
    expect(r.value).toBe(1);
  });
});
