// ROUGE conformance against rouge-score 0.1.2 (fixtures from scripts/conformance/gen_rouge.py).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { rouge, rougeLScorer, rougeScorer, rougeTokenize } from "../../../src/score/metrics/rouge.ts";

const fixture = JSON.parse(readFileSync(new URL("../../fixtures/conformance/rouge.json", import.meta.url), "utf8"));

describe("ROUGE matches rouge-score", () => {
  for (const stem of [false, true]) {
    it(`rouge1/2/3/L/Lsum P/R/F, stemmer ${stem ? "on" : "off"}`, () => {
      let checked = 0;
      for (const c of fixture.cases.filter((x: { stem: boolean }) => x.stem === stem)) {
        const got = rouge(c.prediction, c.references, { types: fixture.types, useStemmer: stem });
        for (const type of fixture.types) {
          const [p, r, f] = c.scores[type];
          const g = got[type];
          const where = `${type} ${JSON.stringify(c.prediction).slice(0, 60)}`;
          expect(Math.abs(g.precision - p), where).toBeLessThan(1e-12);
          expect(Math.abs(g.recall - r), where).toBeLessThan(1e-12);
          expect(Math.abs(g.fmeasure - f), where).toBeLessThan(1e-12);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(1000);
    });
  }

  it("rougeLsum alone (the scorer's separate code path)", () => {
    expect(fixture.lsumOnly.length).toBe(80);
    for (const c of fixture.lsumOnly) {
      const g = rouge(c.prediction, c.references, { types: ["rougeLsum"], useStemmer: true }).rougeLsum;
      expect(Math.abs(g.fmeasure - c.rougeLsum[2])).toBeLessThan(1e-12);
      expect(Math.abs(g.precision - c.rougeLsum[0])).toBeLessThan(1e-12);
    }
  });
});

describe("rouge scorers", () => {
  it("reports F-measure as the value", () => {
    const r = rougeLScorer({ use_stemmer: true }).score({
      answer: "The cats were running",
      output: "",
      targets: ["the cat runs"],
      item: {},
    }) as { value: number };
    expect(r.value).toBeCloseTo(
      rouge("The cats were running", ["the cat runs"], { types: ["rougeL"], useStemmer: true }).rougeL.fmeasure,
      15,
    );
  });
  it("rejects an unknown type", () => {
    expect(() => rougeScorer({ type: "rougeX" })).toThrow(/unknown ROUGE type/);
  });
  it("tokenizes like rouge-score", () => {
    expect(rougeTokenize("Hello, World! café 1,000.5")).toEqual(["hello", "world", "caf", "1", "000", "5"]);
  });
});
