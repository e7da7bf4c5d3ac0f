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

const RE_INTL: [RegExp, string][] = [
  [/(\P{N})(\p{P})/gu, "$1 $2 "],
  [/(\p{P})(\P{N})/gu, " $1 $2"],
  [/(\p{S})/gu, " $1 "],
];

function applyRules(line: string, rules: [RegExp, string][]): string {
  for (const [re, repl] of rules) line = line.replace(re, repl);
  return pySplit(line).join(" ");
}

/** Python's `str.isspace()` for one UTF-16 unit (every Python white space character is in the BMP). */
function isPyWhitespace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
  if (c < 0x85) return false;
  return c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

/** Characters of 13a's first rule `[\{-\~\[-\` -\&\(-\+\:-\@\/]`, which it surrounds with spaces. */
function isSplit13a(c: number): boolean {
  return (c >= 0x7b && c <= 0x7e) || (c >= 0x5b && c <= 0x60) || (c >= 0x20 && c <= 0x26) || (c >= 0x28 && c <= 0x2b) || (c >= 0x3a && c <= 0x40) || c === 0x2f;
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isPeriodComma = (c: number) => c === 0x2e || c === 0x2c;
const COMMA = 0x2c;

let scratch = new Uint8Array(256);

/**
 * The tokens of sacrebleu's 13a tokenizer in one scan, without its four regex passes. The
 * passes only insert spaces, so each character is either white space (a separator), split
 * off on both sides, or glued to its neighbours:
 *  1. `[\{-\~\[-\` -\&\(-\+\:-\@\/]` -> ` \1 `: these characters are split off.
 *  2. `([^0-9])([\.,])` -> `\1 \2 ` (non-overlapping, left to right): a `.`/`,` after a
 *     non-digit is split off, unless that non-digit is itself a `.`/`,` consumed by the
 *     previous match (a character split off by pass 1 leaves a space before it: a non-digit).
 *  3. `([\.,])([^0-9])` -> ` \1 \2`, on pass 2's output: a `.`/`,` followed by a non-digit
 *     (or a space inserted by pass 1 or 2) is split off, unless the previous match consumed it
 *     (the character right before it, with no space between, is a `.`/`,` matched by pass 3).
 *  4. `([0-9])(-)` -> `\1 \2 `: a `-` after a digit is split off (passes 2-3 only touch `.`/`,`).
 * `tests/property/bleu-tokenizer.test.ts` checks this against the regex passes on random text.
 */
function scan13a(line: string): string[] {
  const len = line.length;
  if (scratch.length < len + 1) scratch = new Uint8Array(2 * len + 2);
  // flags[k]: 1 = split off by pass 2, 2 = split off by pass 3.
  const flags = scratch;
  let hasPeriodComma = false;
  for (let k = 0; k < len; k++) {
    const c = line.charCodeAt(k);
    flags[k] = 0;
    if (isPeriodComma(c)) {
      hasPeriodComma = true;
      const prev = k === 0 ? 0x20 : line.charCodeAt(k - 1);
      if (!isDigit(prev) && !(k > 0 && flags[k - 1] === 1)) flags[k] = 1;
    }
  }
  if (hasPeriodComma) {
    for (let k = 0; k < len; k++) {
      const c = line.charCodeAt(k);
      if (!isPeriodComma(c) || flags[k] === 1) continue;
      // The character after it in pass 2's output: a space if pass 1 or 2 put one there.
      const next = k + 1 < len ? line.charCodeAt(k + 1) : 0x20;
      const nextIsSpace = isSplit13a(next) || (k + 1 < len && flags[k + 1] === 1);
      if (!nextIsSpace && isDigit(next)) continue;
      // Consumed as the second character of the previous pass-3 match? (Cannot happen after
      // pass 2, which splits off one of any two adjacent `.`/`,`; kept to mirror the regex.)
      if (k > 0 && isPeriodComma(line.charCodeAt(k - 1)) && flags[k - 1] === 2) continue;
      flags[k] = 2;
    }
  }
  const tokens: string[] = [];
  let start = -1;
  for (let k = 0; k < len; k++) {
    const c = line.charCodeAt(k);
    let alone: boolean;
    if (c < 0x80) {
      if (c === 0x20 || isPyWhitespace(c)) {
        if (start >= 0) tokens.push(line.slice(start, k));
        start = -1;
        continue;
      }
      alone = isSplit13a(c) || (c >= COMMA && c <= 0x2e && (c === 0x2d ? k > 0 && isDigit(line.charCodeAt(k - 1)) : flags[k] !== 0));
    } else {
      if (isPyWhitespace(c)) {
        if (start >= 0) tokens.push(line.slice(start, k));
        start = -1;
        continue;
      }
      alone = false;
    }
    if (alone) {
      if (start >= 0) tokens.push(line.slice(start, k));
      tokens.push(line[k]);
      start = -1;
    } else if (start < 0) {
      start = k;
    }
  }
  if (start >= 0) tokens.push(line.slice(start));
  return tokens;
}

/** sacrebleu's 13a preprocessing before the regex passes (mteval-v13a's `<skipped>`, line joins, entities). */
function unescape13a(line: string): string {
  if (line.includes("<skipped>")) line = line.split("<skipped>").join("");
  if (line.includes("\n")) line = line.split("-\n").join("").split("\n").join(" ");
  if (line.includes("&")) {
    line = line.split("&quot;").join('"').split("&amp;").join("&").split("&lt;").join("<").split("&gt;").join(">");
  }
  return line;
}

/** The 13a tokens of a line (sacrebleu `Tokenizer13a()(line).split()`). */
export function tokens13a(line: string): string[] {
  return scan13a(unescape13a(line));
}

/** sacrebleu's `13a` tokenizer (mteval-v13a): splits punctuation, keeps 1,000.5 together. */
export function tokenize13a(line: string): string {
  return tokens13a(line).join(" ");
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

/** sacrebleu `_preprocess_segment`, then `.split()`: optional lower-casing, tokenize the right-stripped line. */
function segmentTokens(line: string, lowercase: boolean, tokenize: BleuTokenizer): string[] {
  if (lowercase) line = line.toLowerCase();
  if (line.length > 0 && isPyWhitespace(line.charCodeAt(line.length - 1))) line = pyRstrip(line);
  if (tokenize === "13a") return tokens13a(line);
  return pySplit(TOKENIZER_FUNCTIONS[tokenize](line));
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
let refIds: Float64Array<ArrayBuffer>[] = [];
let refKeys: Float64Array<ArrayBuffer>[] = [];
let refSorted: Float64Array<ArrayBuffer>[] = [];

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
  acc[1] += closestRefLength(hypTokens.length, refTokens.map((t) => t.length));
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
  const o = resolve(options);
  const acc = new Array<number>(2 + 2 * o.maxOrder).fill(0);
  for (let i = 0; i < hypotheses.length; i++) addSegmentStats(hypotheses[i], references.map((stream) => stream[i]), o, acc);
  return bleuFromStats(acc, options);
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
