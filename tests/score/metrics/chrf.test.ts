// chrF / chrF++ conformance against sacrebleu (fixtures from scripts/conformance/gen_sacrebleu.py).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { chrfScorer, chrfSignature, corpusChrf, formatChrf, sentenceChrf, type ChrfOptions } from "../../../src/score/metrics/chrf.ts";

const fixture = JSON.parse(readFileSync(new URL("../../fixtures/conformance/chrf.json", import.meta.url), "utf8"));

interface PyOptions {
  char_order: number;
  word_order: number;
  lowercase: boolean;
  whitespace: boolean;
  eps_smoothing: boolean;
}
const toOptions = (o: PyOptions): ChrfOptions => ({
  charOrder: o.char_order,
  wordOrder: o.word_order,
  lowercase: o.lowercase,
  whitespace: o.whitespace,
  epsSmoothing: o.eps_smoothing,
});

describe("chrF matches sacrebleu", () => {
  for (const c of fixture.cases) {
    const o = c.options as PyOptions;
    it(`nc=${o.char_order} nw=${o.word_order} lc=${o.lowercase} space=${o.whitespace} eps=${o.eps_smoothing} nrefs=${c.nrefs}`, () => {
      const options = toOptions(o);
      const score = corpusChrf(fixture.hyps, fixture.refs.slice(0, c.nrefs), options);
      expect(Math.abs(score - c.score)).toBeLessThan(1e-7);
      const sig = chrfSignature(options, c.nrefs);
      expect(sig).toBe(c.signature);
      expect(formatChrf(score, options, sig)).toBe(c.line);
      if (c.sentences) {
        c.sentences.forEach((expected: number, i: number) => {
          const s = sentenceChrf(fixture.hyps[i], [fixture.refs[0][i], fixture.refs[1][i]], options);
          expect(Math.abs(s - expected), `segment ${i}`).toBeLessThan(1e-7);
        });
      }
    });
  }
});

describe("chrf scorer", () => {
  it("aggregates summed statistics into corpus chrF", () => {
    const scorer = chrfScorer({ word_order: 2 });
    const items = [
      ["Ça coûte 3,5 €", "Ça coûte 3,5 € à Zürich"],
      ["", "nothing"],
      ["東京 😀", "東京 😀!"],
    ];
    const results = items.map(([h, r]) => scorer.score({ answer: h, output: "", targets: [r], item: {} }) as { stats: number[] });
    const summed = results[0].stats.map((_, k) => results.reduce((s, r) => s + r.stats[k], 0));
    const corpus = corpusChrf(
      items.map((x) => x[0]),
      [items.map((x) => x[1])],
      { wordOrder: 2 },
    );
    expect(scorer.aggregate!(summed)).toBeCloseTo(corpus / 100, 12);
  });
  it("a sentence against itself is 100", () => {
    expect(sentenceChrf("Grüße aus 東京 😀", ["Grüße aus 東京 😀"], { wordOrder: 2 })).toBeCloseTo(100, 9);
  });
});
