// Levenshtein distance against NLTK's edit_distance (code points), and the similarity scorer.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { editDistanceScorer, editSimilarity, levenshtein } from "../../../src/score/metrics/edit-distance.ts";

const fixture = JSON.parse(readFileSync(new URL("../../fixtures/conformance/edit-distance.json", import.meta.url), "utf8"));

describe("levenshtein matches NLTK edit_distance", () => {
  it(`${fixture.cases.length} pairs`, () => {
    expect(fixture.cases.length).toBeGreaterThan(100);
    for (const c of fixture.cases) expect(levenshtein(c.a, c.b), `${c.a} | ${c.b}`).toBe(c.distance);
  });
  it("counts code points, not UTF-16 units", () => {
    expect(levenshtein("😀", "😁")).toBe(1);
    expect(editSimilarity("kitten", "sitting")).toBeCloseTo(1 - 3 / 7, 15);
    expect(editSimilarity("", "")).toBe(1);
  });
});

describe("edit-distance scorer", () => {
  it("takes the best similarity over targets", () => {
    const r = editDistanceScorer({}).score({ answer: " kitten ", output: "", targets: ["sitting", "kitten"], item: {} }) as {
      value: number;
      explanation: string;
    };
    expect(r.value).toBe(1);
    const n = editDistanceScorer({}).score({ answer: null, output: "", targets: ["abc"], item: {} }) as {
      value: number;
      explanation: string;
    };
    expect(n.value).toBe(0);
    expect(n.explanation).toMatch(/no answer extracted/);
  });
});
