// chrF and chrF++ as sacrebleu computes them: character n-grams (code points) and optional
// word n-grams, per-order [hyp, ref, match] statistics, F-beta averaged over orders.
// Reference: sacrebleu 2.6.0, sacrebleu/metrics/chrf.py and metrics/helpers.py;
// Popović (2015) chrF, Popović (2017) chrF++.

import { z } from "zod";
import { UserError } from "../../errors.ts";
import type { ScorerFactory } from "../types.ts";
import { scorerArgs } from "./args.ts";
import { SACREBLEU_VERSION } from "./bleu.ts";
import { codePointLength, pyFixed, pySplit, removeWhitespace } from "./python-text.ts";

/** sacrebleu's chrF parameters. */
export interface ChrfOptions {
  /** Character n-gram order (default 6). */
  charOrder?: number;
  /** Word n-gram order: 0 for chrF, 2 for chrF++ (default 0). */
  wordOrder?: number;
  /** Recall weight (default 2). */
  beta?: number;
  lowercase?: boolean;
  /** Keep white space inside character n-grams (default false: it is removed). */
  whitespace?: boolean;
  /** Average F-scores over all orders with epsilon smoothing (chrF++.py/NLTK/Moses style) instead of effective order. */
  epsSmoothing?: boolean;
}

/** The punctuation chrF++ splits off word starts and ends (sacrebleu `CHRF._PUNCTS`). */
const PUNCTS = new Set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~");

function resolve(options: ChrfOptions) {
  const o = {
    charOrder: options.charOrder ?? 6,
    wordOrder: options.wordOrder ?? 0,
    beta: options.beta ?? 2,
    lowercase: options.lowercase ?? false,
    whitespace: options.whitespace ?? false,
    epsSmoothing: options.epsSmoothing ?? false,
  };
  for (const key of ["charOrder", "wordOrder", "beta"] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 0) throw new UserError(`chrF ${key} must be a non-negative integer, got ${o[key]}`);
  }
  return o;
}
type Resolved = ReturnType<typeof resolve>;

/** sacrebleu `extract_all_char_ngrams`: counts of character n-grams, n = 1..maxOrder, over code points. */
function charNgrams(line: string, maxOrder: number, includeWhitespace: boolean): Map<string, number>[] {
  if (!includeWhitespace) line = removeWhitespace(line);
  const offsets: number[] = [];
  for (let i = 0; i < line.length; i++) {
    offsets.push(i);
    const c = line.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < line.length) {
      const d = line.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
  }
  offsets.push(line.length);
  const len = offsets.length - 1;
  const out: Map<string, number>[] = [];
  for (let n = 1; n <= maxOrder; n++) {
    const counts = new Map<string, number>();
    for (let i = 0; i + n <= len; i++) {
      const key = line.slice(offsets[i], offsets[i + n]);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    out.push(counts);
  }
  return out;
}

/** sacrebleu `CHRF._remove_punctuation`: split one punctuation mark off a word's end (else its start). */
function wordsForChrf(sent: string): string[] {
  const out: string[] = [];
  for (const w of pySplit(sent)) {
    if (codePointLength(w) === 1) out.push(w);
    else if (PUNCTS.has(w[w.length - 1])) out.push(w.slice(0, -1), w[w.length - 1]);
    else if (PUNCTS.has(w[0])) out.push(w[0], w.slice(1));
    else out.push(w);
  }
  return out;
}

/** sacrebleu `extract_word_ngrams`. */
function wordNgrams(tokens: string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = tokens.slice(i, i + n).join(" ");
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

function allNgrams(sent: string, o: Resolved): Map<string, number>[] {
  const ngrams = charNgrams(sent, o.charOrder, o.whitespace);
  if (o.wordOrder > 0) {
    const words = wordsForChrf(sent);
    for (let n = 1; n <= o.wordOrder; n++) ngrams.push(wordNgrams(words, n));
  }
  return ngrams;
}

/** sacrebleu `CHRF._compute_f_score`: chrF (0-100) from per-order [hyp, ref, match] triples. */
function fScore(stats: number[], o: Resolved): number {
  const eps = 1e-16;
  const order = o.charOrder + o.wordOrder;
  const factor = o.beta ** 2;
  let score = 0.0;
  let effectiveOrder = 0;
  let avgPrec = 0.0;
  let avgRec = 0.0;
  for (let i = 0; i < order; i++) {
    const nHyp = stats[3 * i];
    const nRef = stats[3 * i + 1];
    const nMatch = stats[3 * i + 2];
    const prec = nHyp > 0 ? nMatch / nHyp : eps;
    const rec = nRef > 0 ? nMatch / nRef : eps;
    const denom = factor * prec + rec;
    score += denom > 0 ? ((1 + factor) * prec * rec) / denom : eps;
    if (nHyp > 0 && nRef > 0) {
      avgPrec += prec;
      avgRec += rec;
      effectiveOrder += 1;
    }
  }
  if (o.epsSmoothing) return (100 * score) / order;
  if (effectiveOrder === 0) {
    avgPrec = avgRec = 0.0;
  } else {
    avgPrec /= effectiveOrder;
    avgRec /= effectiveOrder;
  }
  if (avgPrec + avgRec) {
    let s = (1 + factor) * avgPrec * avgRec;
    s /= factor * avgPrec + avgRec;
    return 100 * s;
  }
  return 0.0;
}

/** `[hyp, ref, match]` per order of one hypothesis against one reference, with string n-gram keys (sacrebleu's way). */
function statsByStrings(hypNgrams: Map<string, number>[], refNgrams: Map<string, number>[]): number[] {
  const stats: number[] = [];
  for (let k = 0; k < hypNgrams.length; k++) {
    const h = hypNgrams[k];
    const r = refNgrams[k];
    let match = 0;
    let hypCount = 0;
    for (const [ng, count] of h) {
      hypCount += count;
      const rc = r.get(ng);
      if (rc !== undefined) match += Math.min(count, rc);
    }
    let refCount = 0;
    for (const c of r.values()) refCount += c;
    stats.push(r.size ? hypCount : 0, refCount, match);
  }
  return stats;
}

// --- the numeric path: n-grams as integers over segment-local symbol ids -------------------

// Segment-local ids of code points (a stamped table for the BMP, a map above it) and of words.
const bmpStamp = new Int32Array(0x10000);
const bmpId = new Int32Array(0x10000);
const astralIds = new Map<number, number>();
const wordIds = new Map<string, number>();
let stamp = 0;
let charCount = 0;
let keyBuffers = [new Float64Array(256), new Float64Array(256)];

function startSegment(): void {
  stamp = stamp === 0x7fffffff ? 1 : stamp + 1;
  if (stamp === 1) bmpStamp.fill(0);
  astralIds.clear();
  wordIds.clear();
  charCount = 0;
}

/** Segment-local ids of the code points of `line` (sacrebleu indexes a `str`, i.e. code points). */
function charIds(line: string): Float64Array {
  const out = new Float64Array(line.length);
  let n = 0;
  for (let i = 0; i < line.length; i++) {
    let c = line.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < line.length) {
      const d = line.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c < 0x10000) {
      if (bmpStamp[c] !== stamp) {
        bmpStamp[c] = stamp;
        bmpId[c] = charCount++;
      }
      out[n++] = bmpId[c];
    } else {
      let id = astralIds.get(c);
      if (id === undefined) {
        id = charCount++;
        astralIds.set(c, id);
      }
      out[n++] = id;
    }
  }
  return out.subarray(0, n);
}

function wordIdsOf(words: string[]): Float64Array {
  const out = new Float64Array(words.length);
  for (let i = 0; i < words.length; i++) {
    let id = wordIds.get(words[i]);
    if (id === undefined) {
      id = wordIds.size;
      wordIds.set(words[i], id);
    }
    out[i] = id;
  }
  return out;
}

// An open-addressing hash table of reference n-gram counts, reused across calls; a slot
// belongs to the current table only if its stamp is the current generation (no clearing).
let slotKey = new Float64Array(1024);
let slotCount = new Int32Array(1024);
let slotStamp = new Int32Array(1024);
let generation = 0;

function slotOf(key: number, mask: number): number {
  const lo = key >>> 0; // keys are integers below 2^53: split into two 32-bit halves
  const hi = (key - lo) / 4294967296;
  let h = Math.imul(lo ^ Math.imul(hi | 0, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 15;
  return h & mask;
}

/** Clipped matches between two n-gram key lists: the sum over keys of min(hyp count, ref count). */
function clippedMatches(hk: Float64Array, hc: number, rk: Float64Array, rc: number): number {
  if (hc === 0 || rc === 0) return 0;
  let size = 16;
  while (size < 2 * rc) size *= 2;
  if (slotKey.length < size) {
    slotKey = new Float64Array(size);
    slotCount = new Int32Array(size);
    slotStamp = new Int32Array(size);
    generation = 0;
  }
  generation = generation === 0x7fffffff ? 1 : generation + 1;
  if (generation === 1) slotStamp.fill(0);
  const mask = size - 1;
  for (let i = 0; i < rc; i++) {
    const key = rk[i];
    let h = slotOf(key, mask);
    while (slotStamp[h] === generation && slotKey[h] !== key) h = (h + 1) & mask;
    if (slotStamp[h] === generation) slotCount[h]++;
    else {
      slotStamp[h] = generation;
      slotKey[h] = key;
      slotCount[h] = 1;
    }
  }
  let match = 0;
  for (let i = 0; i < hc; i++) {
    const key = hk[i];
    let h = slotOf(key, mask);
    while (slotStamp[h] === generation && slotKey[h] !== key) h = (h + 1) & mask;
    if (slotStamp[h] === generation && slotCount[h] > 0) {
      slotCount[h]--;
      match++;
    }
  }
  return match;
}

/**
 * Appends `[hyp, ref, match]` for orders 1..maxOrder: the n-gram at i is the integer
 * `ids[i] * B^(n-1) + ... + ids[i+n-1]` (exact: the caller checks B^maxOrder < 2^53), and the
 * clipped matches of each order are counted through a hash table of the reference's keys.
 */
function statsByIds(hyp: Float64Array, ref: Float64Array, maxOrder: number, base: number, out: number[]): void {
  const need = Math.max(hyp.length, ref.length);
  if (keyBuffers[0].length < need) keyBuffers = keyBuffers.map(() => new Float64Array(2 * need));
  const [hk, rk] = keyBuffers;
  for (let n = 1; n <= maxOrder; n++) {
    const hc = Math.max(hyp.length - n + 1, 0);
    const rc = Math.max(ref.length - n + 1, 0);
    for (let i = 0; i < hc; i++) hk[i] = n === 1 ? hyp[i] : hk[i] * base + hyp[i + n - 1];
    for (let i = 0; i < rc; i++) rk[i] = n === 1 ? ref[i] : rk[i] * base + ref[i + n - 1];
    out.push(rc > 0 ? hc : 0, rc, clippedMatches(hk, hc, rk, rc));
  }
}

/** Per-reference statistics with integer n-gram keys, or undefined when the keys would not be exact. */
function statsPerRefByIds(hyp: string, refs: string[], o: Resolved): number[][] | undefined {
  startSegment();
  const strip = (s: string) => (o.whitespace ? s : removeWhitespace(s));
  const hypChars = charIds(strip(hyp));
  const refChars = refs.map((r) => charIds(strip(r)));
  const hypWords = o.wordOrder > 0 ? wordIdsOf(wordsForChrf(hyp)) : undefined;
  const refWords = o.wordOrder > 0 ? refs.map((r) => wordIdsOf(wordsForChrf(r))) : [];
  const charBase = Math.max(charCount, 2);
  const wordBase = Math.max(wordIds.size, 2);
  if (charBase ** o.charOrder > Number.MAX_SAFE_INTEGER || (o.wordOrder > 0 && wordBase ** o.wordOrder > Number.MAX_SAFE_INTEGER))
    return undefined;
  return refs.map((_, r) => {
    const stats: number[] = [];
    statsByIds(hypChars, refChars[r], o.charOrder, charBase, stats);
    if (hypWords) statsByIds(hypWords, refWords[r], o.wordOrder, wordBase, stats);
    return stats;
  });
}

/** Adds one segment's statistics (those of the reference with the best chrF; the first on ties) to `acc`. */
function addSegmentStats(hypothesis: string, references: string[], o: Resolved, acc: number[]): void {
  const prep = (s: string) => (o.lowercase ? s.toLowerCase() : s);
  const hyp = prep(hypothesis);
  const refs = (references.length === 0 ? [""] : references).map(prep); // no reference scores as an empty one
  let perRef = statsPerRefByIds(hyp, refs, o);
  if (!perRef) {
    const hypNgrams = allNgrams(hyp, o);
    perRef = refs.map((ref) => statsByStrings(hypNgrams, allNgrams(ref, o)));
  }
  let best: number[] = [];
  let bestF = -1.0;
  for (const stats of perRef) {
    const f = fScore(stats, o);
    if (f > bestF) {
      bestF = f;
      best = stats;
    }
  }
  for (let i = 0; i < best.length; i++) acc[i] += best[i];
}

/**
 * Sufficient statistics of one segment: `[hyp, ref, match]` per order (character orders
 * first, then word orders), taken from the reference with the best chrF.
 */
export function chrfSegmentStats(hypothesis: string, references: string[], options: ChrfOptions = {}): number[] {
  const o = resolve(options);
  const acc = new Array<number>(3 * (o.charOrder + o.wordOrder)).fill(0);
  addSegmentStats(hypothesis, references, o, acc);
  return acc;
}

/** chrF (0-100) from (summed) statistics. */
export function chrfFromStats(stats: number[], options: ChrfOptions = {}): number {
  return fScore(stats, resolve(options));
}

/** Corpus chrF: statistics summed over segments. `references[k][i]` is reference k of segment i. */
export function corpusChrf(hypotheses: string[], references: string[][], options: ChrfOptions = {}): number {
  const o = resolve(options);
  const acc = new Array<number>(3 * (o.charOrder + o.wordOrder)).fill(0);
  for (let i = 0; i < hypotheses.length; i++)
    addSegmentStats(
      hypotheses[i],
      references.map((stream) => stream[i]),
      o,
      acc,
    );
  return fScore(acc, o);
}

/** Sentence chrF (0-100). */
export function sentenceChrf(hypothesis: string, references: string[], options: ChrfOptions = {}): number {
  return chrfFromStats(chrfSegmentStats(hypothesis, references, options), options);
}

/** The metric name sacrebleu prints: `chrF2`, `chrF2++`. */
export function chrfName(options: ChrfOptions = {}): string {
  const o = resolve(options);
  return `chrF${o.beta}${"+".repeat(o.wordOrder)}`;
}

/** The sacrebleu signature, e.g. `nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0`. */
export function chrfSignature(options: ChrfOptions, nrefs: number | "var"): string {
  const o = resolve(options);
  return `nrefs:${nrefs}|case:${o.lowercase ? "lc" : "mixed"}|eff:${o.epsSmoothing ? "no" : "yes"}|nc:${o.charOrder}|nw:${o.wordOrder}|space:${o.whitespace ? "yes" : "no"}|version:${SACREBLEU_VERSION}`;
}

/** The line sacrebleu prints, e.g. `chrF2|nrefs:1|… = 71.43`. */
export function formatChrf(score: number, options: ChrfOptions, signature: string, width = 2): string {
  const name = chrfName(options);
  return `${signature ? `${name}|${signature}` : name} = ${pyFixed(score, width)}`;
}

/** The `chrf` scorer's arguments: sacrebleu's own parameter names (snake_case, one spelling each). */
const chrfArgs = z.strictObject({
  char_order: z.int().min(0).max(100).default(6),
  word_order: z.int().min(0).max(100).default(0),
  beta: z.int().min(0).default(2),
  lowercase: z.boolean().default(false),
  whitespace: z.boolean().default(false),
  eps_smoothing: z.boolean().default(false),
});

/**
 * Reads chrF options from scorer args: `{char_order, word_order, beta, lowercase, whitespace,
 * eps_smoothing}`; any other field, or a bad value, is an OptionsError.
 */
export function chrfOptionsFromArgs(args: Record<string, unknown>): ChrfOptions {
  const a = scorerArgs(chrfArgs, args, "chrf");
  return {
    charOrder: a.char_order,
    wordOrder: a.word_order,
    beta: a.beta,
    lowercase: a.lowercase,
    whitespace: a.whitespace,
    epsSmoothing: a.eps_smoothing,
  };
}

/**
 * `chrf` scorer: item value is sentence chrF / 100; the summary is corpus chrF / 100.
 * @example `{name: chrf, word_order: 2}` (chrF++)
 */
export const chrfScorer: ScorerFactory = (args) => {
  const options = chrfOptionsFromArgs(args);
  return {
    name: "chrf",
    spec: { name: "chrf", args },
    score(input) {
      const stats = chrfSegmentStats(input.answer ?? "", input.targets, options);
      const score = chrfFromStats(stats, options);
      const note = input.answer === null ? "no answer extracted; scored as empty string. " : "";
      return { value: score / 100, stats, explanation: `${note}sentence ${chrfName(options)} ${pyFixed(score, 2)}` };
    },
    aggregate: (summed) => chrfFromStats(summed, options) / 100,
  };
};
