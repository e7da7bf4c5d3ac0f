// The bit-parallel LCS against the quadratic table rouge-score builds (`_lcs_table`, read out by
// `_backtrack_norec`), on random sequences that cross the 32-bit word boundaries, and the bound
// on the work one ROUGE-L / ROUGE-Lsum score may do.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lcsIndices, lcsLength } from "../../src/score/metrics/lcs.ts";
import { ROUGE_LCS_LIMIT, RougeLimitError, rouge, rougeLScorer } from "../../src/score/metrics/rouge.ts";
import "./seed.ts";

/** rouge-score's table and backtrack, transcribed as the plain quadratic DP. */
function reference(ref: number[], can: number[]): { length: number; indices: number[] } {
  const t = Array.from({ length: ref.length + 1 }, () => new Array<number>(can.length + 1).fill(0));
  for (let i = 1; i <= ref.length; i++) {
    for (let j = 1; j <= can.length; j++) t[i][j] = ref[i - 1] === can[j - 1] ? t[i - 1][j - 1] + 1 : Math.max(t[i - 1][j], t[i][j - 1]);
  }
  const indices: number[] = [];
  let i = ref.length;
  let j = can.length;
  while (i > 0 && j > 0) {
    if (ref[i - 1] === can[j - 1]) {
      indices.unshift(i - 1);
      i--;
      j--;
    } else if (t[i][j - 1] > t[i - 1][j]) j--;
    else i--;
  }
  return { length: t[ref.length][can.length], indices };
}

describe("bit-parallel LCS equals the quadratic DP", () => {
  // Small alphabets make long common subsequences and many ties in the backtrack; lengths up to
  // 140 cross several word boundaries; one frequent symbol exercises the dense masks.
  const sequence = (alphabet: number) => fc.array(fc.integer({ min: 0, max: alphabet - 1 }), { maxLength: 140 });
  const pair = fc.integer({ min: 1, max: 12 }).chain((k) => fc.tuple(sequence(k), sequence(k)));
  it("length, in both argument orders", () => {
    fc.assert(
      fc.property(pair, ([a, b]) => {
        const expected = reference(a, b).length;
        expect(lcsLength(a, b)).toBe(expected);
        expect(lcsLength(b, a)).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });
  it("the indices rouge-score's backtrack reads out", () => {
    fc.assert(
      fc.property(pair, ([ref, can]) => {
        expect(lcsIndices(ref, can)).toEqual(reference(ref, can).indices);
      }),
      { numRuns: 500 },
    );
  });
  it("long sequences (several hundred words of bits)", () => {
    const r = fc.sample(fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 3000, maxLength: 3000 }), 2);
    expect(lcsLength(r[0], r[1])).toBe(reference(r[0], r[1]).length);
    expect(lcsIndices(r[0], r[1])).toEqual(reference(r[0], r[1]).indices);
  });
});

describe("ROUGE-L work is bounded", () => {
  // 20,000 x 20,000 tokens is 4e8 token pairs, over the 2.5e8 limit.
  const long = Array.from({ length: 20_000 }, (_, i) => `w${i % 5000}`).join(" ");
  it("refuses a pair over the limit, saying what the limit is and what to do", () => {
    expect(20_000 * 20_000).toBeGreaterThan(ROUGE_LCS_LIMIT);
    for (const type of ["rougeL", "rougeLsum"]) {
      let error: unknown;
      try {
        rouge(long, [long], { types: [type] });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(RougeLimitError);
      expect((error as Error).message).toBe(
        `${type} would compare 20,000 x 20,000 tokens, over the limit of 250,000,000 token pairs (the LCS is quadratic); split the text into shorter segments and score them separately`,
      );
    }
    // n-gram ROUGE is linear and still scores.
    expect(rouge(long, [long], { types: ["rouge1"] }).rouge1.fmeasure).toBe(1);
  });
  it("inside a run the scorer leaves the item unscored with the reason", () => {
    const r = rougeLScorer({}).score({ answer: long, output: long, targets: [long], item: {} }) as {
      value: number | null;
      explanation: string;
    };
    expect(r.value).toBeNull();
    expect(r.explanation).toMatch(/over the limit of 250,000,000 token pairs.*; unscored$/);
  });
  it("a long text against a short one is under the limit and exact", () => {
    const hyp = Array.from({ length: 200_000 }, (_, i) => `w${i % 97}`);
    const ref = ["w3", "w5", "w96", "w0", "w1"];
    const s = rouge(hyp.join(" "), [ref.join(" ")], { types: ["rougeL"] }).rougeL;
    expect(s.recall).toBe(1);
    expect(s.precision).toBe(5 / 200_000);
  });
});
