// BLEU's integer-keyed n-gram matching against a plain string-keyed count (sacrebleu
// `extract_all_word_ngrams` + clipping by the maximum reference count), on random token
// sequences from a small vocabulary so that n-grams repeat and match often.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bleuSegmentStats } from "../../src/score/metrics/bleu.ts";
import "./seed.ts";

function ngramCounts(tokens: string[], maxOrder: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let n = 1; n <= maxOrder; n++) {
    for (let i = 0; i + n <= tokens.length; i++) {
      const key = tokens.slice(i, i + n).join(" ");
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

/** sacrebleu `_extract_corpus_statistics` for one segment, tokens already split (tokenize "none"). */
function oracleStats(hyp: string[], refs: string[][], maxOrder: number): number[] {
  const refMax = new Map<string, number>();
  for (const ref of refs) for (const [k, c] of ngramCounts(ref, maxOrder)) refMax.set(k, Math.max(refMax.get(k) ?? 0, c));
  const correct = new Array<number>(maxOrder).fill(0);
  const total = new Array<number>(maxOrder).fill(0);
  for (const [k, c] of ngramCounts(hyp, maxOrder)) {
    const n = k.split(" ").length;
    total[n - 1] += c;
    correct[n - 1] += Math.min(c, refMax.get(k) ?? 0);
  }
  let best = -1;
  let bestDiff = Infinity;
  for (const r of refs) {
    const d = Math.abs(hyp.length - r.length);
    if (d < bestDiff || (d === bestDiff && r.length < best)) [best, bestDiff] = [r.length, d];
  }
  return [hyp.length, best, ...correct, ...total];
}

const sentence = (vocab: number, maxLength: number) =>
  fc.array(
    fc.integer({ min: 0, max: vocab - 1 }).map((i) => `w${i}`),
    { maxLength },
  );

describe("BLEU n-gram statistics", () => {
  it("equal the string-keyed count (1-4 references, small vocabulary)", () => {
    fc.assert(
      fc.property(sentence(6, 30), fc.array(sentence(6, 30), { minLength: 1, maxLength: 4 }), (hyp, refs) => {
        const stats = bleuSegmentStats(
          hyp.join(" "),
          refs.map((r) => r.join(" ")),
          { tokenize: "none" },
        );
        expect(stats).toEqual(oracleStats(hyp, refs, 4));
      }),
      { numRuns: 500 },
    );
  });
  it("equal the string-keyed count at order 8 with a large vocabulary (keys past 2^53 take the string path)", () => {
    fc.assert(
      fc.property(sentence(400, 200), sentence(400, 200), (hyp, ref) => {
        const stats = bleuSegmentStats(hyp.join(" "), [ref.join(" ")], { tokenize: "none", maxNgramOrder: 8 });
        expect(stats).toEqual(oracleStats(hyp, [ref], 8));
      }),
      { numRuns: 100 },
    );
  });
});
