// BLEU as sacrebleu computes it: tokenizers, n-gram sufficient statistics per segment,
// smoothing, effective order, the signature string and the printed score line.
// Reference: sacrebleu 2.6.0 (github.com/mjpost/sacrebleu), sacrebleu/metrics/bleu.py,
// sacrebleu/tokenizers/tokenizer_{13a,re,intl,char,none}.py; Papineni et al. (2002);
// smoothing methods from Chen & Cherry (2014), "A Systematic Comparison of Smoothing
// Techniques for Sentence-Level BLEU".

import { UserError } from "../../errors.ts";
import type { ScorerFactory } from "../types.ts";
import { pyFixed, pyRstrip, pySplit } from "./python-text.ts";

/** The sacrebleu release whose behaviour (and signature `version:` field) this port reproduces. */
export const SACREBLEU_VERSION = "2.6.0";

export const BLEU_TOKENIZERS = ["13a", "none", "intl", "char"] as const;
export type BleuTokenizer = (typeof BLEU_TOKENIZERS)[number];
export const BLEU_SMOOTHING = ["exp", "floor", "add-k", "none"] as const;
export type BleuSmoothing = (typeof BLEU_SMOOTHING)[number];

/** Default smoothing values (sacrebleu `BLEU.SMOOTH_DEFAULTS`). */
const SMOOTH_DEFAULTS: Record<BleuSmoothing, number | null> = { none: null, floor: 0.1, "add-k": 1, exp: null };

/** sacrebleu's BLEU parameters. */
export interface BleuOptions {
  /** Tokenizer (default "13a"). */
  tokenize?: BleuTokenizer;
  /** Smoothing method (default "exp"). */
  smooth?: BleuSmoothing;
  /** Value for floor / add-k (defaults 0.1 / 1). */
  smoothValue?: number;
  /** Lower-case hypotheses and references first. */
  lowercase?: boolean;
  /** Stop at the highest n-gram order with a non-zero total (sentence-level BLEU). */
  effectiveOrder?: boolean;
  /** Maximum n-gram order (default 4). */
  maxNgramOrder?: number;
}

/** A BLEU score with the parts sacrebleu prints. */
export interface BleuScore {
  /** BLEU on the 0-100 scale. */
  score: number;
  counts: number[];
  totals: number[];
  /** Modified n-gram precisions, 0-100. */
  precisions: number[];
  bp: number;
  sysLen: number;
  refLen: number;
  ratio: number;
}

// --- tokenizers -------------------------------------------------------------------

const RE_13A: [RegExp, string][] = [
  [/([\{-\~\[-\` -\&\(-\+\:-\@\/])/g, " $1 "],
  [/([^0-9])([\.,])/gu, "$1 $2 "],
  [/([\.,])([^0-9])/gu, " $1 $2"],
  [/([0-9])(-)/g, "$1 $2 "],
];

const RE_INTL: [RegExp, string][] = [
  [/(\P{N})(\p{P})/gu, "$1 $2 "],
  [/(\p{P})(\P{N})/gu, " $1 $2"],
  [/(\p{S})/gu, " $1 "],
];

function applyRules(line: string, rules: [RegExp, string][]): string {
  for (const [re, repl] of rules) line = line.replace(re, repl);
  return pySplit(line).join(" ");
}

/** sacrebleu's `13a` tokenizer (mteval-v13a): splits punctuation, keeps 1,000.5 together. */
export function tokenize13a(line: string): string {
  line = line.split("<skipped>").join("").split("-\n").join("").split("\n").join(" ");
  if (line.includes("&")) {
    line = line.split("&quot;").join('"').split("&amp;").join("&").split("&lt;").join("<").split("&gt;").join(">");
  }
  return applyRules(` ${line} `, RE_13A);
}

/** sacrebleu's `intl` tokenizer (mteval-v14 international): Unicode punctuation and symbols. */
export function tokenizeIntl(line: string): string {
  return applyRules(line, RE_INTL);
}

/** sacrebleu's `char` tokenizer: every code point is a token. */
export function tokenizeChar(line: string): string {
  return Array.from(line).join(" ");
}

const TOKENIZER_FUNCTIONS: Record<BleuTokenizer, (line: string) => string> = {
  "13a": tokenize13a,
  none: (line) => line,
  intl: tokenizeIntl,
  char: tokenizeChar,
};

// --- statistics -------------------------------------------------------------------

function resolve(options: BleuOptions) {
  const tokenize = options.tokenize ?? "13a";
  const smooth = options.smooth ?? "exp";
  if (!BLEU_TOKENIZERS.includes(tokenize)) throw new UserError(`unknown BLEU tokenizer "${tokenize}" (known: ${BLEU_TOKENIZERS.join(", ")})`);
  if (!BLEU_SMOOTHING.includes(smooth)) throw new UserError(`unknown BLEU smoothing "${smooth}" (known: ${BLEU_SMOOTHING.join(", ")})`);
  return {
    tokenize,
    smooth,
    smoothValue: options.smoothValue,
    lowercase: options.lowercase ?? false,
    effectiveOrder: options.effectiveOrder ?? false,
    maxOrder: options.maxNgramOrder ?? 4,
  };
}

/** sacrebleu `_preprocess_segment`: optional lower-casing, then tokenize the right-stripped line. */
function preprocess(line: string, lowercase: boolean, tokenize: BleuTokenizer): string {
  if (lowercase) line = line.toLowerCase();
  return TOKENIZER_FUNCTIONS[tokenize](pyRstrip(line));
}

/** Counts of all 1..maxOrder n-grams (keys join tokens with a space; tokens hold no whitespace). */
function wordNgrams(tokens: string[], maxOrder: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let n = 1; n <= maxOrder; n++) {
    for (let i = 0; i + n <= tokens.length; i++) {
      const key = n === 1 ? tokens[i] : tokens.slice(i, i + n).join(" ");
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

/** sacrebleu `_get_closest_ref_len`: the reference length nearest the hypothesis length, shorter on ties. */
function closestRefLength(hypLen: number, refLens: number[]): number {
  let closestDiff = -1;
  let closestLen = -1;
  for (const refLen of refLens) {
    const diff = Math.abs(hypLen - refLen);
    if (closestDiff === -1 || diff < closestDiff) {
      closestDiff = diff;
      closestLen = refLen;
    } else if (diff === closestDiff && refLen < closestLen) {
      closestLen = refLen;
    }
  }
  return closestLen;
}

/**
 * Sufficient statistics of one segment against its references, as sacrebleu lays them
 * out: `[hypLen, refLen, correct_1..correct_N, total_1..total_N]`.
 */
export function bleuSegmentStats(hypothesis: string, references: string[], options: BleuOptions = {}): number[] {
  const o = resolve(options);
  let refNgrams: Map<string, number> | undefined;
  const refLens: number[] = [];
  if (references.length === 0) references = [""]; // no reference scores as an empty one
  for (const ref of references) {
    const tokens = pySplit(preprocess(ref, o.lowercase, o.tokenize));
    refLens.push(tokens.length);
    const ngrams = wordNgrams(tokens, o.maxOrder);
    if (!refNgrams) refNgrams = ngrams;
    else for (const [k, c] of ngrams) refNgrams.set(k, Math.max(refNgrams.get(k) ?? 0, c));
  }
  const hypTokens = pySplit(preprocess(hypothesis, o.lowercase, o.tokenize));
  const hypNgrams = wordNgrams(hypTokens, o.maxOrder);
  const correct = new Array<number>(o.maxOrder).fill(0);
  const total = new Array<number>(o.maxOrder).fill(0);
  for (const [key, count] of hypNgrams) {
    let n = 0;
    for (let i = key.indexOf(" "); i !== -1; i = key.indexOf(" ", i + 1)) n++;
    total[n] += count;
    const refCount = refNgrams?.get(key);
    if (refCount !== undefined) correct[n] += Math.min(count, refCount);
  }
  return [hypTokens.length, closestRefLength(hypTokens.length, refLens), ...correct, ...total];
}

/** sacrebleu `my_log`: log floored at -9999999999 for zero. */
function myLog(x: number): number {
  return x === 0 ? -9999999999 : Math.log(x);
}

/** sacrebleu `BLEU.compute_bleu` over (summed) sufficient statistics. */
export function bleuFromStats(stats: number[], options: BleuOptions = {}): BleuScore {
  const o = resolve(options);
  const N = o.maxOrder;
  const sysLen = Math.trunc(stats[0]);
  const refLen = Math.trunc(stats[1]);
  const correct = stats.slice(2, 2 + N);
  const total = stats.slice(2 + N, 2 + 2 * N);
  const smoothValue = o.smoothValue ?? SMOOTH_DEFAULTS[o.smooth] ?? 0;
  let bp = 1.0;
  if (sysLen < refLen) bp = sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0.0;
  const precisions = new Array<number>(N).fill(0);
  const make = (score: number): BleuScore => ({
    score, counts: correct, totals: total, precisions, bp, sysLen, refLen, ratio: refLen ? sysLen / refLen : 0,
  });
  if (!correct.some((c) => c !== 0)) return make(0.0);
  let smoothMteval = 1.0;
  let effOrder = N;
  for (let n = 1; n <= N; n++) {
    if (o.smooth === "add-k" && n > 1) {
      correct[n - 1] += smoothValue;
      total[n - 1] += smoothValue;
    }
    if (total[n - 1] === 0) break;
    if (o.effectiveOrder) effOrder = n;
    if (correct[n - 1] === 0) {
      if (o.smooth === "exp") {
        smoothMteval *= 2;
        precisions[n - 1] = 100 / (smoothMteval * total[n - 1]);
      } else if (o.smooth === "floor") {
        precisions[n - 1] = (100 * smoothValue) / total[n - 1];
      }
    } else {
      precisions[n - 1] = (100 * correct[n - 1]) / total[n - 1];
    }
  }
  let logSum = 0;
  for (let i = 0; i < effOrder; i++) logSum += myLog(precisions[i]);
  return make(bp * Math.exp(logSum / effOrder));
}

/** Element-wise sum of statistics vectors. */
export function sumStats(rows: number[][]): number[] {
  const out = rows.length ? new Array<number>(rows[0].length).fill(0) : [];
  for (const row of rows) for (let i = 0; i < row.length; i++) out[i] += row[i];
  return out;
}

/**
 * Corpus BLEU (sacrebleu `corpus_score`): statistics summed over segments, not averaged
 * scores. `references[k][i]` is the k-th reference of segment i (one array per ref file).
 */
export function corpusBleu(hypotheses: string[], references: string[][], options: BleuOptions = {}): BleuScore {
  const rows = hypotheses.map((hyp, i) => bleuSegmentStats(hyp, references.map((stream) => stream[i]), options));
  return bleuFromStats(sumStats(rows), options);
}

/** Sentence BLEU as sacrebleu's `sentence_bleu` (effective order on by default). */
export function sentenceBleu(hypothesis: string, references: string[], options: BleuOptions = {}): BleuScore {
  const o = { effectiveOrder: true, ...options };
  return bleuFromStats(bleuSegmentStats(hypothesis, references, o), o);
}

/** The sacrebleu signature, e.g. `nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0`. */
export function bleuSignature(options: BleuOptions, nrefs: number | "var"): string {
  const o = resolve(options);
  let smooth: string = o.smooth;
  const def = SMOOTH_DEFAULTS[o.smooth];
  if (def !== null) smooth += `[${pyFixed(o.smoothValue ?? def, 2)}]`;
  return `nrefs:${nrefs}|case:${o.lowercase ? "lc" : "mixed"}|eff:${o.effectiveOrder ? "yes" : "no"}|tok:${o.tokenize}|smooth:${smooth}|version:${SACREBLEU_VERSION}`;
}

/** The line sacrebleu prints, e.g. `BLEU|… = 48.53 82.4/50.0/45.5/37.5 (BP = 1.000 ratio = …)`; `width` is sacrebleu's `-w`. */
export function formatBleu(score: BleuScore, signature: string, width = 2): string {
  const prec = score.precisions.map((p) => pyFixed(p, 1)).join("/");
  const verbose = `${prec} (BP = ${pyFixed(score.bp, 3)} ratio = ${pyFixed(score.ratio, 3)} hyp_len = ${score.sysLen} ref_len = ${score.refLen})`;
  const name = signature ? `BLEU|${signature}` : "BLEU";
  return `${name} = ${pyFixed(score.score, width)} ${verbose}`;
}

/** Reads BLEU options from scorer args (YAML): `{tokenize, smooth, smooth_value, lowercase, effective_order, max_ngram_order}`. */
export function bleuOptionsFromArgs(args: Record<string, unknown>): BleuOptions {
  const o: BleuOptions = {
    tokenize: (args.tokenize as BleuTokenizer | undefined) ?? "13a",
    smooth: (args.smooth as BleuSmoothing | undefined) ?? "exp",
    smoothValue: (args.smooth_value ?? args.smoothValue) as number | undefined,
    lowercase: Boolean(args.lowercase ?? false),
    effectiveOrder: Boolean(args.effective_order ?? args.effectiveOrder ?? false),
    maxNgramOrder: (args.max_ngram_order ?? args.maxNgramOrder) as number | undefined,
  };
  resolve(o);
  return o;
}

/**
 * `bleu` scorer: the item value is sentence BLEU / 100 (effective order, as sacrebleu's
 * `sentence_bleu`); the run summary is corpus BLEU / 100 from summed statistics.
 * @example `{name: bleu, tokenize: "13a", smooth: "exp"}`
 */
export const bleuScorer: ScorerFactory = (args) => {
  const options = bleuOptionsFromArgs(args);
  return {
    name: "bleu",
    spec: { name: "bleu", args },
    score(input) {
      const hyp = input.answer ?? "";
      const stats = bleuSegmentStats(hyp, input.targets, options);
      const sentence = bleuFromStats(stats, { ...options, effectiveOrder: true });
      const note = input.answer === null ? "no answer extracted; scored as empty string. " : "";
      return { value: sentence.score / 100, stats, explanation: `${note}sentence BLEU ${pyFixed(sentence.score, 2)}` };
    },
    aggregate: (summed) => bleuFromStats(summed, options).score / 100,
  };
};
