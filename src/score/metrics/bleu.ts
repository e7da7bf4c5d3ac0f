// BLEU as sacrebleu computes it: n-gram sufficient statistics per segment (tokenizers in bleu-tokenizers.ts),
// smoothing, effective order, the signature string and the printed score line.
// Reference: sacrebleu 2.6.0 (github.com/mjpost/sacrebleu), sacrebleu/metrics/bleu.py,
// sacrebleu/tokenizers/tokenizer_{13a,re,intl,char,none}.py; Papineni et al. (2002);
// smoothing methods from Chen & Cherry (2014), "A Systematic Comparison of Smoothing
// Techniques for Sentence-Level BLEU".

import { z } from "zod";
import { UserError } from "../../errors.ts";
import type { ScorerFactory } from "../types.ts";
import { segmentTokens } from "./bleu-tokenizers.ts";
import { scorerArgs } from "./args.ts";
import { pyFixed } from "./python-text.ts";

export { tokenize13a, tokenizeChar, tokenizeIntl, tokens13a } from "./bleu-tokenizers.ts";

/** The sacrebleu release whose behaviour (and signature `version:` field) this port reproduces. */
export const SACREBLEU_VERSION = "2.6.0";

export const BLEU_TOKENIZERS = ["13a", "none", "intl", "char"] as const;
export type BleuTokenizer = (typeof BLEU_TOKENIZERS)[number];
export const BLEU_SMOOTHING = ["exp", "floor", "add-k", "none"] as const;
export type BleuSmoothing = (typeof BLEU_SMOOTHING)[number];

/** The largest n-gram order accepted (sacrebleu sets none; the work grows with it). */
export const MAX_NGRAM_ORDER = 100;

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

// --- statistics -------------------------------------------------------------------

function resolve(options: BleuOptions) {
  const tokenize = options.tokenize ?? "13a";
  const smooth = options.smooth ?? "exp";
  if (!BLEU_TOKENIZERS.includes(tokenize))
    throw new UserError(`unknown BLEU tokenizer "${tokenize}" (known: ${BLEU_TOKENIZERS.join(", ")})`);
  if (!BLEU_SMOOTHING.includes(smooth)) throw new UserError(`unknown BLEU smoothing "${smooth}" (known: ${BLEU_SMOOTHING.join(", ")})`);
  const maxOrder = options.maxNgramOrder ?? 4;
  if (!Number.isInteger(maxOrder) || maxOrder < 1 || maxOrder > MAX_NGRAM_ORDER)
    throw new UserError(`BLEU max n-gram order must be an integer from 1 to ${MAX_NGRAM_ORDER}, got ${maxOrder}`);
  return {
    tokenize,
    smooth,
    smoothValue: options.smoothValue,
    lowercase: options.lowercase ?? false,
    effectiveOrder: options.effectiveOrder ?? false,
    maxOrder,
  };
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

/** Clipped matches and totals with string n-gram keys: the general path, for segments with huge vocabularies. */
function matchesByStrings(hyp: string[], refs: string[][], maxOrder: number, correct: number[], total: number[]): void {
  let refNgrams: Map<string, number> | undefined;
  for (const tokens of refs) {
    const ngrams = wordNgrams(tokens, maxOrder);
    if (!refNgrams) refNgrams = ngrams;
    else for (const [k, c] of ngrams) refNgrams.set(k, Math.max(refNgrams.get(k) ?? 0, c));
  }
  for (const [key, count] of wordNgrams(hyp, maxOrder)) {
    let n = 0;
    for (let i = key.indexOf(" "); i !== -1; i = key.indexOf(" ", i + 1)) n++;
    total[n] += count;
    const refCount = refNgrams?.get(key);
    if (refCount !== undefined) correct[n] += Math.min(count, refCount);
  }
}

// Reused state for the numeric path (metrics are synchronous, so nothing is shared across calls).
// Tokens are interned once per process into `globalIds` (reset when it grows past a bound, so
// memory stays flat), then numbered per segment 0, 1, ... via a generation stamp.
const MAX_GLOBAL_IDS = 1 << 17;
const globalIds = new Map<string, number>();
let localOf = new Int32Array(1024);
let stampOf = new Int32Array(1024);
let stamp = 0;
let localCount = 0;
let hypIds = new Float64Array(64);
let hypKeys = new Float64Array(64);
let hypSorted = new Float64Array(64);
const refIds: Float64Array<ArrayBuffer>[] = [];
const refKeys: Float64Array<ArrayBuffer>[] = [];
const refSorted: Float64Array<ArrayBuffer>[] = [];

function grow(buf: Float64Array<ArrayBuffer>, n: number): Float64Array<ArrayBuffer> {
  return buf.length >= n ? buf : new Float64Array(Math.max(n, 2 * buf.length));
}

function startSegment(): void {
  if (globalIds.size > MAX_GLOBAL_IDS) {
    globalIds.clear();
    stampOf.fill(0);
  }
  stamp = stamp === 0x7fffffff ? 1 : stamp + 1;
  if (stamp === 1) stampOf.fill(0);
  localCount = 0;
}

/** Writes the segment-local id of each token into `into`. */
function intern(tokens: string[], into: Float64Array): void {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    let g = globalIds.get(t);
    if (g === undefined) {
      g = globalIds.size;
      globalIds.set(t, g);
      if (g >= localOf.length) {
        const size = 2 * localOf.length;
        const l = new Int32Array(size);
        l.set(localOf);
        localOf = l;
        const st = new Int32Array(size);
        st.set(stampOf);
        stampOf = st;
      }
    }
    if (stampOf[g] !== stamp) {
      stampOf[g] = stamp;
      localOf[g] = localCount++;
    }
    into[i] = localOf[g];
  }
}

/** Sorts `a[0..n)` ascending in place (insertion sort for the short runs of a sentence). */
function sortPrefix(a: Float64Array<ArrayBuffer>, n: number): void {
  if (n > 48) {
    a.subarray(0, n).sort();
    return;
  }
  for (let i = 1; i < n; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= 0 && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

/**
 * Clipped n-gram matches (sacrebleu: hypothesis count clipped by the maximum count in any
 * reference) and totals, without building n-gram strings: tokens get segment-local integer
 * ids, an n-gram is the integer `id_1 * B^(n-1) + ... + id_n` (B = distinct tokens, exact
 * below 2^53), and each order's keys are sorted and merged. Returns false, doing nothing,
 * when the keys would not be exact.
 */
function matchesByIds(hyp: string[], refs: string[][], maxOrder: number, correct: number[], total: number[]): boolean {
  startSegment();
  hypIds = grow(hypIds, hyp.length);
  hypKeys = grow(hypKeys, hyp.length);
  hypSorted = grow(hypSorted, hyp.length);
  intern(hyp, hypIds);
  for (let r = 0; r < refs.length; r++) {
    const n = refs[r].length;
    refIds[r] = grow(refIds[r] ?? new Float64Array(64), n);
    refKeys[r] = grow(refKeys[r] ?? new Float64Array(64), n);
    refSorted[r] = grow(refSorted[r] ?? new Float64Array(64), n);
    intern(refs[r], refIds[r]);
  }
  const base = Math.max(localCount, 2);
  if (base ** maxOrder > Number.MAX_SAFE_INTEGER) return false;
  const refPos = new Array<number>(refs.length).fill(0);
  const refLen = new Array<number>(refs.length).fill(0);
  for (let n = 1; n <= maxOrder; n++) {
    // keys[i] of order n extend the order n-1 key at i by the token at i+n-1.
    const hypCount = hyp.length - n + 1;
    if (hypCount <= 0) break; // no hypothesis n-grams of this or higher orders
    for (let i = 0; i < hypCount; i++) hypKeys[i] = n === 1 ? hypIds[i] : hypKeys[i] * base + hypIds[i + n - 1];
    const hs = hypSorted;
    for (let i = 0; i < hypCount; i++) hs[i] = hypKeys[i];
    sortPrefix(hs, hypCount);
    for (let r = 0; r < refs.length; r++) {
      const count = Math.max(refs[r].length - n + 1, 0);
      const keys = refKeys[r];
      const ids = refIds[r];
      const rs = refSorted[r];
      for (let i = 0; i < count; i++) {
        keys[i] = n === 1 ? ids[i] : keys[i] * base + ids[i + n - 1];
        rs[i] = keys[i];
      }
      sortPrefix(rs, count);
      refLen[r] = count;
      refPos[r] = 0;
    }
    total[n - 1] += hypCount;
    let matched = 0;
    for (let i = 0; i < hypCount; ) {
      const key = hs[i];
      let j = i + 1;
      while (j < hypCount && hs[j] === key) j++;
      let maxRef = 0;
      for (let r = 0; r < refs.length; r++) {
        const rs = refSorted[r];
        const end = refLen[r];
        let p = refPos[r];
        while (p < end && rs[p] < key) p++;
        let q = p;
        while (q < end && rs[q] === key) q++;
        refPos[r] = q;
        if (q - p > maxRef) maxRef = q - p;
      }
      matched += Math.min(j - i, maxRef);
      i = j;
    }
    correct[n - 1] += matched;
  }
  return true;
}

interface ResolvedBleu {
  tokenize: BleuTokenizer;
  lowercase: boolean;
  maxOrder: number;
}

/** Adds one segment's statistics to `acc` (laid out as `bleuSegmentStats` returns them). */
function addSegmentStats(hypothesis: string, references: string[], o: ResolvedBleu, acc: number[]): void {
  if (references.length === 0) references = [""]; // no reference scores as an empty one
  const refTokens = references.map((ref) => segmentTokens(ref, o.lowercase, o.tokenize));
  const hypTokens = segmentTokens(hypothesis, o.lowercase, o.tokenize);
  const N = o.maxOrder;
  const correct = new Array<number>(N).fill(0);
  const total = new Array<number>(N).fill(0);
  if (!matchesByIds(hypTokens, refTokens, N, correct, total)) matchesByStrings(hypTokens, refTokens, N, correct, total);
  acc[0] += hypTokens.length;
  acc[1] += closestRefLength(
    hypTokens.length,
    refTokens.map((t) => t.length),
  );
  for (let i = 0; i < N; i++) {
    acc[2 + i] += correct[i];
    acc[2 + N + i] += total[i];
  }
}

/**
 * Sufficient statistics of one segment against its references, as sacrebleu lays them
 * out: `[hypLen, refLen, correct_1..correct_N, total_1..total_N]`.
 */
export function bleuSegmentStats(hypothesis: string, references: string[], options: BleuOptions = {}): number[] {
  const o = resolve(options);
  const acc = new Array<number>(2 + 2 * o.maxOrder).fill(0);
  addSegmentStats(hypothesis, references, o, acc);
  return acc;
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
    score,
    counts: correct,
    totals: total,
    precisions,
    bp,
    sysLen,
    refLen,
    ratio: refLen ? sysLen / refLen : 0,
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
  const o = resolve(options);
  const acc = new Array<number>(2 + 2 * o.maxOrder).fill(0);
  for (let i = 0; i < hypotheses.length; i++)
    addSegmentStats(
      hypotheses[i],
      references.map((stream) => stream[i]),
      o,
      acc,
    );
  return bleuFromStats(acc, options);
}

/** Sentence BLEU as sacrebleu's `sentence_bleu` (effective order on by default). */
export function sentenceBleu(hypothesis: string, references: string[], options: BleuOptions = {}): BleuScore {
  const o = { effectiveOrder: true, ...options };
  return bleuFromStats(bleuSegmentStats(hypothesis, references, o), o);
}

/**
 * The sacrebleu signature, e.g. `nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0`.
 * sacrebleu's signature omits max_ngram_order (its command line cannot change it); a non-default
 * order adds `ngram:N` before `version` so two different scores never share a signature.
 */
export function bleuSignature(options: BleuOptions, nrefs: number | "var"): string {
  const o = resolve(options);
  let smooth: string = o.smooth;
  const def = SMOOTH_DEFAULTS[o.smooth];
  if (def !== null) smooth += `[${pyFixed(o.smoothValue ?? def, 2)}]`;
  return `nrefs:${nrefs}|case:${o.lowercase ? "lc" : "mixed"}|eff:${o.effectiveOrder ? "yes" : "no"}|tok:${o.tokenize}|smooth:${smooth}${o.maxOrder === 4 ? "" : `|ngram:${o.maxOrder}`}|version:${SACREBLEU_VERSION}`;
}

/** The line sacrebleu prints, e.g. `BLEU|… = 48.53 82.4/50.0/45.5/37.5 (BP = 1.000 ratio = …)`; `width` is sacrebleu's `-w`. */
export function formatBleu(score: BleuScore, signature: string, width = 2): string {
  const prec = score.precisions.map((p) => pyFixed(p, 1)).join("/");
  const verbose = `${prec} (BP = ${pyFixed(score.bp, 3)} ratio = ${pyFixed(score.ratio, 3)} hyp_len = ${score.sysLen} ref_len = ${score.refLen})`;
  const name = signature ? `BLEU|${signature}` : "BLEU";
  return `${name} = ${pyFixed(score.score, width)} ${verbose}`;
}

/** The `bleu` scorer's arguments: sacrebleu's own parameter names (snake_case, one spelling each). */
const bleuArgs = z
  .strictObject({
    tokenize: z.enum(BLEU_TOKENIZERS).default("13a"),
    smooth: z.enum(BLEU_SMOOTHING).default("exp"),
    smooth_value: z.number().min(0).optional(),
    lowercase: z.boolean().default(false),
    effective_order: z.boolean().default(false),
    max_ngram_order: z.int().min(1).max(MAX_NGRAM_ORDER).default(4),
  })
  .superRefine((o, ctx) => {
    if (o.smooth_value !== undefined && SMOOTH_DEFAULTS[o.smooth] === null) {
      ctx.addIssue({ code: "custom", path: ["smooth_value"], message: `applies to smooth: floor or add-k, not ${o.smooth}` });
    }
  });

/**
 * Reads BLEU options from scorer args (YAML): `{tokenize, smooth, smooth_value, lowercase,
 * effective_order, max_ngram_order}`; any other field, or a bad value, is an OptionsError.
 */
export function bleuOptionsFromArgs(args: Record<string, unknown>): BleuOptions {
  const a = scorerArgs(bleuArgs, args, "bleu");
  return {
    tokenize: a.tokenize,
    smooth: a.smooth,
    smoothValue: a.smooth_value,
    lowercase: a.lowercase,
    effectiveOrder: a.effective_order,
    maxNgramOrder: a.max_ngram_order,
  };
}

/**
 * `bleu` scorer: the item value is sentence BLEU / 100 (effective order, as sacrebleu's
 * `sentence_bleu`); the run summary is corpus BLEU / 100 from summed statistics.
 * @example `{name: bleu, tokenize: "13a", smooth: "exp", max_ngram_order: 2}`
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
