// ROUGE-N, ROUGE-L and ROUGE-Lsum precision/recall/F as Google's rouge-score computes them,
// with its tokenizer and optional Porter stemming.
// Reference: rouge-score 0.1.2 (github.com/google-research/google-research, rouge/):
// rouge_scorer.py (score, score_multi, _score_ngrams, _score_lcs, _summary_level_lcs),
// tokenize.py, scoring.py (fmeasure); Lin (2004), "ROUGE: A Package for Automatic
// Evaluation of Summaries".

import { UserError } from "../../errors.ts";
import type { ScorerFactory } from "../types.ts";
import { porterStem } from "./porter-stemmer.ts";

/** Precision, recall and F1 of one ROUGE type. */
export interface RougeScore {
  precision: number;
  recall: number;
  fmeasure: number;
}

/** Options for `rouge`. */
export interface RougeOptions {
  /** ROUGE types: `rouge1`..`rouge9`, `rougeL`, `rougeLsum` (default all four standard ones). */
  types?: string[];
  /** Porter-stem tokens longer than 3 characters (rouge-score `use_stemmer`). */
  useStemmer?: boolean;
}

export const DEFAULT_ROUGE_TYPES = ["rouge1", "rouge2", "rougeL", "rougeLsum"];
const ROUGE_TYPE = /^(rouge[0-9]|rougeL|rougeLsum)$/;

const stemCache = new Map<string, string>();
function cachedStem(token: string): string {
  let s = stemCache.get(token);
  if (s === undefined) {
    s = porterStem(token);
    if (stemCache.size > 100_000) stemCache.clear();
    stemCache.set(token, s);
  }
  return s;
}

/** rouge-score `tokenize`: lower-case, non-[a-z0-9] runs become spaces, optional stemming of tokens longer than 3. */
export function rougeTokenize(text: string, useStemmer = false): string[] {
  const tokens = text.toLowerCase().replace(/[^a-z0-9]+/g, " ").split(/\s+/);
  const out: string[] = [];
  for (const t of tokens) {
    const token = useStemmer && t.length > 3 ? cachedStem(t) : t;
    if (token !== "") out.push(token); // the valid-token filter: only [a-z0-9]+ survives

  }
  return out;
}

/** rouge-score `scoring.fmeasure`. */
function fmeasure(precision: number, recall: number): number {
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0.0;
}

function ngramCounts(tokens: string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = n === 1 ? tokens[i] : tokens.slice(i, i + n).join(" ");
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** rouge-score `_score_ngrams`. */
function scoreNgrams(target: Map<string, number>, prediction: Map<string, number>): RougeScore {
  let overlap = 0;
  let targetCount = 0;
  let predictionCount = 0;
  for (const [ng, c] of target) {
    overlap += Math.min(c, prediction.get(ng) ?? 0);
    targetCount += c;
  }
  for (const c of prediction.values()) predictionCount += c;
  const precision = overlap / Math.max(predictionCount, 1);
  const recall = overlap / Math.max(targetCount, 1);
  return { precision, recall, fmeasure: fmeasure(precision, recall) };
}

/** LCS length with two rolling rows. */
function lcsLength(ref: string[], can: string[]): number {
  let prev = new Int32Array(can.length + 1);
  let cur = new Int32Array(can.length + 1);
  for (let i = 1; i <= ref.length; i++) {
    const r = ref[i - 1];
    for (let j = 1; j <= can.length; j++) {
      cur[j] = r === can[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[can.length];
}

/** rouge-score `_score_lcs` (ROUGE-L). */
function scoreLcs(target: string[], prediction: string[]): RougeScore {
  if (target.length === 0 || prediction.length === 0) return { precision: 0, recall: 0, fmeasure: 0 };
  const lcs = lcsLength(target, prediction);
  const precision = lcs / prediction.length;
  const recall = lcs / target.length;
  return { precision, recall, fmeasure: fmeasure(precision, recall) };
}

/** rouge-score `lcs_ind`: indices into `ref` of one LCS, read out exactly as `_backtrack_norec`. */
function lcsIndices(ref: string[], can: string[]): number[] {
  const cols = can.length + 1;
  const t = new Int32Array((ref.length + 1) * cols);
  for (let i = 1; i <= ref.length; i++) {
    for (let j = 1; j <= can.length; j++) {
      t[i * cols + j] = ref[i - 1] === can[j - 1] ? t[(i - 1) * cols + j - 1] + 1 : Math.max(t[(i - 1) * cols + j], t[i * cols + j - 1]);
    }
  }
  const out: number[] = [];
  let i = ref.length;
  let j = can.length;
  while (i > 0 && j > 0) {
    if (ref[i - 1] === can[j - 1]) {
      out.push(i - 1);
      i--;
      j--;
    } else if (t[i * cols + j - 1] > t[(i - 1) * cols + j]) {
      j--;
    } else {
      i--;
    }
  }
  return out.reverse();
}

/** rouge-score `_summary_level_lcs` (ROUGE-Lsum, union LCS without double counting). */
function summaryLevelLcs(refSents: string[][], canSents: string[][]): RougeScore {
  const zero = { precision: 0, recall: 0, fmeasure: 0 };
  if (refSents.length === 0 || canSents.length === 0) return zero;
  const m = refSents.reduce((s, x) => s + x.length, 0);
  const n = canSents.reduce((s, x) => s + x.length, 0);
  if (!n || !m) return zero;
  const countsR = new Map<string, number>();
  const countsC = new Map<string, number>();
  for (const s of refSents) for (const t of s) countsR.set(t, (countsR.get(t) ?? 0) + 1);
  for (const s of canSents) for (const t of s) countsC.set(t, (countsC.get(t) ?? 0) + 1);
  let hits = 0;
  for (const r of refSents) {
    const union = new Set<number>();
    for (const c of canSents) for (const idx of lcsIndices(r, c)) union.add(idx);
    for (const idx of [...union].sort((a, b) => a - b)) {
      const tok = r[idx];
      const c = countsC.get(tok) ?? 0;
      const rr = countsR.get(tok) ?? 0;
      if (c > 0 && rr > 0) {
        hits++;
        countsC.set(tok, c - 1);
        countsR.set(tok, rr - 1);
      }
    }
  }
  const recall = hits / m;
  const precision = hits / n;
  return { precision, recall, fmeasure: fmeasure(precision, recall) };
}

/** rouge-score `get_sents` without `split_summaries`: newline-separated, empty lines dropped. */
const sentences = (text: string) => text.split("\n").filter((s) => s.length > 0);

function checkTypes(types: string[]): void {
  for (const t of types) if (!ROUGE_TYPE.test(t)) throw new UserError(`unknown ROUGE type "${t}" (known: rouge1..rouge9, rougeL, rougeLsum)`);
}

/** rouge-score `RougeScorer(types, use_stemmer).score(target, prediction)`. */
export function rougeSingle(target: string, prediction: string, options: RougeOptions = {}): Record<string, RougeScore> {
  const types = options.types ?? DEFAULT_ROUGE_TYPES;
  checkTypes(types);
  const stem = options.useStemmer ?? false;
  const onlyLsum = types.length === 1 && types[0] === "rougeLsum";
  const targetTokens = onlyLsum ? [] : rougeTokenize(target, stem);
  const predictionTokens = onlyLsum ? [] : rougeTokenize(prediction, stem);
  const result: Record<string, RougeScore> = {};
  for (const type of types) {
    if (type === "rougeL") {
      result[type] = scoreLcs(targetTokens, predictionTokens);
    } else if (type === "rougeLsum") {
      result[type] = summaryLevelLcs(
        sentences(target).map((s) => rougeTokenize(s, stem)),
        sentences(prediction).map((s) => rougeTokenize(s, stem)),
      );
    } else {
      const n = Number(type.slice(5));
      if (n <= 0) throw new UserError(`rougen requires positive n: ${type}`);
      result[type] = scoreNgrams(ngramCounts(targetTokens, n), ngramCounts(predictionTokens, n));
    }
  }
  return result;
}

/**
 * ROUGE of a prediction against one or more references: rouge-score `score_multi`, which
 * keeps, per type, the reference with the highest F-measure (the first on ties).
 * @example rouge("the cat sat", ["a cat sat down"], { types: ["rougeL"] }).rougeL.fmeasure
 */
export function rouge(prediction: string, references: string[], options: RougeOptions = {}): Record<string, RougeScore> {
  const types = options.types ?? DEFAULT_ROUGE_TYPES;
  const refs = references.length ? references : [""];
  const all = refs.map((r) => rougeSingle(r, prediction, { ...options, types }));
  const best: Record<string, RougeScore> = {};
  for (const type of types) {
    let k = 0;
    for (let i = 1; i < all.length; i++) if (all[i][type].fmeasure > all[k][type].fmeasure) k = i;
    best[type] = all[k][type];
  }
  return best;
}

function rougeScorerFor(fixedType: string | undefined): ScorerFactory {
  return (args) => {
    const type = fixedType ?? String(args.type ?? args.variant ?? "rougeL");
    checkTypes([type]);
    if (args.split_summaries) throw new UserError("rouge: split_summaries (NLTK sentence splitting) is not supported; separate sentences with newlines");
    const useStemmer = Boolean(args.use_stemmer ?? args.stem ?? args.useStemmer ?? false);
    const name = fixedType ?? "rouge";
    return {
      name,
      spec: { name, args },
      score(input) {
        const s = rouge(input.answer ?? "", input.targets, { types: [type], useStemmer })[type];
        const note = input.answer === null ? "no answer extracted; scored as empty string. " : "";
        return {
          value: s.fmeasure,
          explanation: `${note}${type} P=${s.precision.toFixed(4)} R=${s.recall.toFixed(4)} F=${s.fmeasure.toFixed(4)}${useStemmer ? " (stemmed)" : ""}`,
        };
      },
    };
  };
}

/** `rouge1` scorer: ROUGE-1 F-measure. @example `{name: rouge1, use_stemmer: true}` */
export const rouge1Scorer = rougeScorerFor("rouge1");
/** `rouge2` scorer: ROUGE-2 F-measure. */
export const rouge2Scorer = rougeScorerFor("rouge2");
/** `rougeL` scorer: ROUGE-L F-measure. */
export const rougeLScorer = rougeScorerFor("rougeL");
/** `rougeLsum` scorer: summary-level ROUGE-L F-measure (sentences separated by newlines). */
export const rougeLsumScorer = rougeScorerFor("rougeLsum");
/** `rouge` scorer with a `type` arg (default rougeL). @example `{name: rouge, type: rouge2}` */
export const rougeScorer = rougeScorerFor(undefined);
