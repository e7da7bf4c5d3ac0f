// Invariants of the metric library that hold for any input (fast-check, fixed seed in seed.ts):
// self-similarity, order invariance, bounds and symmetries. Conformance with the reference
// implementations is tested in tests/score/metrics/.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { corpusBleu, sentenceBleu, tokens13a } from "../../src/score/metrics/bleu.ts";
import { corpusChrf, sentenceChrf } from "../../src/score/metrics/chrf.ts";
import { editSimilarity, levenshtein } from "../../src/score/metrics/edit-distance.ts";
import { removeWhitespace } from "../../src/score/metrics/python-text.ts";
import { rougeSingle, rougeTokenize } from "../../src/score/metrics/rouge.ts";
import { normalizeAnswer, squadExactMatch, squadF1 } from "../../src/score/metrics/squad.ts";
import "./seed.ts";

const WORDS = [
  "the",
  "cat",
  "sat",
  "on",
  "a",
  "mat",
  "Dog",
  "ran",
  "1,000.5",
  "café",
  "東京",
  "😀",
  "(it)",
  "end.",
  "don't",
  "x-ray",
  "42",
  "an",
  "&amp;",
];
/** A sentence of 0-25 words from a small vocabulary (so words repeat and overlap), some punctuation and Unicode. */
const sentence = fc.array(fc.constantFrom(...WORDS), { maxLength: 25 }).map((w) => w.join(" "));
/** Any text: arbitrary Unicode graphemes, or a sentence. */
const text = fc.oneof(sentence, fc.string({ unit: "grapheme", maxLength: 40 }));
/** A permutation of 0..n-1 as sort keys. */
const shuffled = <T>(items: T[], keys: number[]) =>
  items
    .map((x, i) => [keys[i % keys.length] ?? 0, i, x] as const)
    .sort((a, b) => a[0] - b[0] || a[1] - b[1])
    .map((t) => t[2]);

describe("BLEU", () => {
  it("a sentence against itself is 100 (sentence BLEU, effective order; any text with a 13a token)", () => {
    fc.assert(
      fc.property(text, (s) => {
        fc.pre(tokens13a(s).length > 0);
        expect(sentenceBleu(s, [s]).score).toBeCloseTo(100, 10);
      }),
    );
  });
  it("a corpus against itself is 100 when it has 4-grams", () => {
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 8 }), (segs) => {
        fc.pre(segs.some((s) => tokens13a(s).length >= 4));
        expect(corpusBleu(segs, [segs]).score).toBeCloseTo(100, 10);
      }),
    );
  });
  it("corpus BLEU does not depend on the order of segments", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(text, text, sentence), { maxLength: 12 }),
        fc.array(fc.double({ noNaN: true }), { minLength: 1 }),
        (pairs, keys) => {
          const a = corpusBleu(
            pairs.map((p) => p[0]),
            [pairs.map((p) => p[1]), pairs.map((p) => p[2])],
          );
          const perm = shuffled(pairs, keys);
          const b = corpusBleu(
            perm.map((p) => p[0]),
            [perm.map((p) => p[1]), perm.map((p) => p[2])],
          );
          expect(b).toEqual(a);
        },
      ),
    );
  });
  it("is in [0, 100]", () => {
    fc.assert(
      fc.property(text, fc.array(text, { minLength: 1, maxLength: 3 }), (h, refs) => {
        const s = sentenceBleu(h, refs).score;
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(100 + 1e-9);
      }),
    );
  });
});

describe("chrF", () => {
  it("a sentence against itself is 100 (any text with a non-white-space character)", () => {
    fc.assert(
      fc.property(text, (s) => {
        fc.pre(removeWhitespace(s).length > 0);
        expect(sentenceChrf(s, [s])).toBe(100);
        expect(sentenceChrf(s, [s], { wordOrder: 2 })).toBeCloseTo(100, 10);
      }),
    );
  });
  it("corpus chrF does not depend on the order of segments, and is in [0, 100]", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(text, text), { maxLength: 10 }),
        fc.array(fc.double({ noNaN: true }), { minLength: 1 }),
        (pairs, keys) => {
          const a = corpusChrf(
            pairs.map((p) => p[0]),
            [pairs.map((p) => p[1])],
          );
          const perm = shuffled(pairs, keys);
          expect(
            corpusChrf(
              perm.map((p) => p[0]),
              [perm.map((p) => p[1])],
            ),
          ).toBe(a);
          expect(a).toBeGreaterThanOrEqual(0);
          expect(a).toBeLessThanOrEqual(100 + 1e-9);
        },
      ),
    );
  });
});

describe("ROUGE", () => {
  const types = ["rouge1", "rouge2", "rougeL", "rougeLsum"];
  it("precision, recall and F are in [0, 1]", () => {
    fc.assert(
      fc.property(text, text, fc.boolean(), (t, p, useStemmer) => {
        const r = rougeSingle(t, p, { types, useStemmer });
        for (const type of types) {
          for (const v of [r[type].precision, r[type].recall, r[type].fmeasure]) {
            expect(v).toBeGreaterThanOrEqual(0);
            expect(v).toBeLessThanOrEqual(1);
          }
        }
      }),
    );
  });
  it("swapping target and prediction swaps precision and recall and keeps F exactly", () => {
    fc.assert(
      fc.property(text, text, (t, p) => {
        const ab = rougeSingle(t, p, { types: ["rouge1", "rouge2", "rougeL"] });
        const ba = rougeSingle(p, t, { types: ["rouge1", "rouge2", "rougeL"] });
        for (const type of ["rouge1", "rouge2", "rougeL"]) {
          expect(ba[type].precision).toBe(ab[type].recall);
          expect(ba[type].recall).toBe(ab[type].precision);
          expect(ba[type].fmeasure).toBe(ab[type].fmeasure);
        }
      }),
    );
  });
  it("ROUGE-L is at most ROUGE-1 (an LCS is a clipped unigram overlap)", () => {
    fc.assert(
      fc.property(text, text, (t, p) => {
        const r = rougeSingle(t, p, { types: ["rouge1", "rougeL"] });
        expect(r.rougeL.precision).toBeLessThanOrEqual(r.rouge1.precision);
        expect(r.rougeL.recall).toBeLessThanOrEqual(r.rouge1.recall);
        expect(r.rougeL.fmeasure).toBeLessThanOrEqual(r.rouge1.fmeasure + 1e-15);
      }),
    );
  });
  it("a text against itself scores 1 on every type when it has a token", () => {
    fc.assert(
      fc.property(text, (s) => {
        fc.pre(rougeTokenize(s).length >= 2 && !s.includes("\n"));
        const r = rougeSingle(s, s, { types });
        for (const type of types) expect(r[type].fmeasure).toBe(1);
      }),
    );
  });
});

describe("SQuAD EM and F1", () => {
  it("exact match implies F1 = 1 when the normalised answer is not empty (empty answers: EM 1, F1 0, as the script)", () => {
    fc.assert(
      fc.property(text, fc.array(text, { minLength: 1, maxLength: 3 }), (pred, refs) => {
        const withMatch = [...refs, pred.toUpperCase() + " the ."];
        const em = squadExactMatch(pred, withMatch);
        if (em === 1 && normalizeAnswer(pred) !== "") expect(squadF1(pred, withMatch)).toBe(1);
        if (normalizeAnswer(pred) === "" && em === 1) expect(squadF1(pred, [pred])).toBe(0);
      }),
    );
  });
  it("F1 is in [0, 1] and EM is 0 or 1", () => {
    fc.assert(
      fc.property(text, fc.array(text, { minLength: 1, maxLength: 3 }), (pred, refs) => {
        const f = squadF1(pred, refs);
        expect(f).toBeGreaterThanOrEqual(0);
        expect(f).toBeLessThanOrEqual(1);
        expect([0, 1]).toContain(squadExactMatch(pred, refs));
      }),
    );
  });
});

describe("edit distance", () => {
  const str = fc.oneof(
    fc.string({ unit: "grapheme", maxLength: 12 }),
    fc.string({ unit: fc.constantFrom("a", "b", "é", "😀"), maxLength: 12 }),
  );
  it("similarity is 1 iff the strings are equal, and in [0, 1]", () => {
    fc.assert(
      fc.property(str, str, (a, b) => {
        const s = editSimilarity(a, b);
        expect(s === 1).toBe(a === b);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(editSimilarity(a, a)).toBe(1);
      }),
    );
  });
  it("distance is symmetric, 0 only on equal strings, and at most the longer length", () => {
    fc.assert(
      fc.property(str, str, (a, b) => {
        const d = levenshtein(a, b);
        expect(levenshtein(b, a)).toBe(d);
        expect(d === 0).toBe(a === b);
        expect(d).toBeLessThanOrEqual(Math.max(Array.from(a).length, Array.from(b).length));
      }),
    );
  });
  it("distance satisfies the triangle inequality", () => {
    fc.assert(
      fc.property(str, str, str, (a, b, c) => {
        expect(levenshtein(a, c)).toBeLessThanOrEqual(levenshtein(a, b) + levenshtein(b, c));
      }),
    );
  });
});
