// chrF and chrF++ as sacrebleu computes them: character n-grams (code points) and optional
// word n-grams, per-order [hyp, ref, match] statistics, F-beta averaged over orders.
// Reference: sacrebleu 2.6.0, sacrebleu/metrics/chrf.py and metrics/helpers.py;
// Popović (2015) chrF, Popović (2017) chrF++.

import { UserError } from "../../errors.ts";
import type { ScorerFactory } from "../types.ts";
import { SACREBLEU_VERSION, sumStats } from "./bleu.ts";
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
const PUNCTS = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');

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

/**
 * Sufficient statistics of one segment: `[hyp, ref, match]` per order (character orders
 * first, then word orders), taken from the reference with the best chrF.
 */
export function chrfSegmentStats(hypothesis: string, references: string[], options: ChrfOptions = {}): number[] {
  const o = resolve(options);
  const prep = (s: string) => (o.lowercase ? s.toLowerCase() : s);
  const hypNgrams = allNgrams(prep(hypothesis), o);
  if (references.length === 0) references = [""]; // no reference scores as an empty one
  let best: number[] = [];
  let bestF = -1.0;
  for (const ref of references) {
    const refNgrams = allNgrams(prep(ref), o);
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
    const f = fScore(stats, o);
    if (f > bestF) {
      bestF = f;
      best = stats;
    }
  }
  return best;
}

/** chrF (0-100) from (summed) statistics. */
export function chrfFromStats(stats: number[], options: ChrfOptions = {}): number {
  return fScore(stats, resolve(options));
}

/** Corpus chrF: statistics summed over segments. `references[k][i]` is reference k of segment i. */
export function corpusChrf(hypotheses: string[], references: string[][], options: ChrfOptions = {}): number {
  const rows = hypotheses.map((hyp, i) => chrfSegmentStats(hyp, references.map((stream) => stream[i]), options));
  return chrfFromStats(sumStats(rows), options);
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

/** Reads chrF options from scorer args: `{char_order, word_order, beta, lowercase, whitespace, eps_smoothing}`. */
export function chrfOptionsFromArgs(args: Record<string, unknown>): ChrfOptions {
  const o: ChrfOptions = {
    charOrder: (args.char_order ?? args.charOrder) as number | undefined,
    wordOrder: (args.word_order ?? args.wordOrder) as number | undefined,
    beta: args.beta as number | undefined,
    lowercase: Boolean(args.lowercase ?? false),
    whitespace: Boolean(args.whitespace ?? false),
    epsSmoothing: Boolean(args.eps_smoothing ?? args.epsSmoothing ?? false),
  };
  resolve(o);
  return o;
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
