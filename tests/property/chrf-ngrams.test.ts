// chrF's integer-keyed n-gram matching against sacrebleu's string-keyed counting
// (metrics/helpers.py extract_all_char_ngrams / extract_word_ngrams, chrf.py
// _remove_punctuation and _get_match_statistics, best reference by F-score), transcribed here.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chrfFromStats, chrfSegmentStats, type ChrfOptions } from "../../src/score/metrics/chrf.ts";
import { pySplit } from "../../src/score/metrics/python-text.ts";
import "./seed.ts";

function counter(keys: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}

function oracleNgrams(line: string, o: Required<Pick<ChrfOptions, "charOrder" | "wordOrder" | "whitespace">>): Map<string, number>[] {
  const chars = Array.from(o.whitespace ? line : pySplit(line).join(""));
  const out: Map<string, number>[] = [];
  for (let n = 1; n <= o.charOrder; n++)
    out.push(counter(chars.slice(0, Math.max(chars.length - n + 1, 0)).map((_, i) => chars.slice(i, i + n).join(""))));
  const puncts = new Set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~");
  const words: string[] = [];
  for (const w of pySplit(line)) {
    if (Array.from(w).length === 1) words.push(w);
    else if (puncts.has(w[w.length - 1])) words.push(w.slice(0, -1), w[w.length - 1]);
    else if (puncts.has(w[0])) words.push(w[0], w.slice(1));
    else words.push(w);
  }
  for (let n = 1; n <= o.wordOrder; n++)
    out.push(counter(words.slice(0, Math.max(words.length - n + 1, 0)).map((_, i) => words.slice(i, i + n).join(" "))));
  return out;
}

function oracleStats(hyp: string, refs: string[], options: ChrfOptions): number[] {
  const o = { charOrder: options.charOrder ?? 6, wordOrder: options.wordOrder ?? 0, whitespace: options.whitespace ?? false };
  const prep = (s: string) => (options.lowercase ? s.toLowerCase() : s);
  const h = oracleNgrams(prep(hyp), o);
  let best: number[] = [];
  let bestF = -1;
  for (const ref of refs) {
    const r = oracleNgrams(prep(ref), o);
    const stats: number[] = [];
    h.forEach((hm, k) => {
      const rm = r[k];
      let hypLen = 0;
      let refLen = 0;
      let match = 0;
      for (const [ng, c] of hm) {
        hypLen += c;
        match += Math.min(c, rm.get(ng) ?? 0);
      }
      for (const c of rm.values()) refLen += c;
      stats.push(refLen > 0 ? hypLen : 0, refLen, match);
    });
    const f = chrfFromStats(stats, options);
    if (f > bestF) [best, bestF] = [stats, f];
  }
  return best;
}

const piece = fc.constantFrom("a", "b", "ab", "A", " ", "  ", "\t", ".", "(", ")", ",", "é", "😀", "東", "x.", "(y", "\u3000");
const text = fc.array(piece, { maxLength: 40 }).map((p) => p.join(""));
const options = fc.record({
  wordOrder: fc.constantFrom(0, 2),
  charOrder: fc.constantFrom(6, 3),
  lowercase: fc.boolean(),
  whitespace: fc.boolean(),
});

describe("chrF n-gram statistics", () => {
  it("equal the string-keyed count (options, 1-3 references, repeated n-grams, astral characters)", () => {
    fc.assert(
      fc.property(text, fc.array(text, { minLength: 1, maxLength: 3 }), options, (hyp, refs, o) => {
        expect(chrfSegmentStats(hyp, refs, o)).toEqual(oracleStats(hyp, refs, o));
      }),
      { numRuns: 500 },
    );
  });
  it("equal the string-keyed count with more distinct characters than exact integer keys allow (string path)", () => {
    const wide = fc
      .array(fc.integer({ min: 0x4e00, max: 0x4e00 + 2000 }), { minLength: 500, maxLength: 700 })
      .map((cps) => String.fromCodePoint(...cps));
    fc.assert(
      fc.property(wide, wide, (hyp, ref) => {
        expect(chrfSegmentStats(hyp, [ref])).toEqual(oracleStats(hyp, [ref], {}));
      }),
      { numRuns: 10 },
    );
  });
});
