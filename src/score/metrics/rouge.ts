// ROUGE-N, ROUGE-L and ROUGE-Lsum precision/recall/F as Google's rouge-score computes them,
// with its tokenizer and optional Porter stemming.
// Reference: rouge-score 0.1.2 (github.com/google-research/google-research, rouge/):
// rouge_scorer.py (score, score_multi, _score_ngrams, _score_lcs, _summary_level_lcs),
// tokenize.py, scoring.py (fmeasure); Lin (2004), "ROUGE: A Package for Automatic
// Evaluation of Summaries".

import { z } from "zod";
import { UserError } from "../../errors.ts";
import type { ScorerFactory } from "../types.ts";
import { scorerArgs } from "./args.ts";
import { lcsIndices, lcsLength } from "./lcs.ts";
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
  const tokens = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .split(/\s+/);
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

/**
 * The most token pairs (tokens(target) x tokens(prediction), summed over sentence pairs for
 * ROUGE-Lsum) one ROUGE-L or ROUGE-Lsum score may compare: 250 million, about 0.1 s and at most
 * 32 MB for the LCS table. Beyond it the score is refused (RougeLimitError), not computed slowly.
 */
export const ROUGE_LCS_LIMIT = 250_000_000;

/** A ROUGE-L / ROUGE-Lsum pair too long to score within ROUGE_LCS_LIMIT. */
export class RougeLimitError extends UserError {
  constructor(type: string, targetTokens: number, predictionTokens: number) {
    super(
      `${type} would compare ${targetTokens.toLocaleString("en-US")} x ${predictionTokens.toLocaleString("en-US")} tokens, over the limit of ` +
        `${ROUGE_LCS_LIMIT.toLocaleString("en-US")} token pairs (the LCS is quadratic); split the text into shorter segments and score them separately`,
      { code: "E_ROUGE_LIMIT" },
    );
    this.name = "RougeLimitError";
  }
}

function checkLimit(type: string, targetTokens: number, predictionTokens: number): void {
  if (targetTokens * predictionTokens > ROUGE_LCS_LIMIT) throw new RougeLimitError(type, targetTokens, predictionTokens);
}

/** Token ids shared by both sides of one comparison (the LCS compares integers, not strings). */
function idsOf(sequences: string[][], ids: Map<string, number>): Int32Array[] {
  return sequences.map((tokens) => {
    const out = new Int32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) {
      let id = ids.get(tokens[i]);
      if (id === undefined) {
        id = ids.size;
        ids.set(tokens[i], id);
      }
      out[i] = id;
    }
    return out;
  });
}

/** Pairs with at most this many token pairs take the plain DP (measured with bench/metrics.ts). */
const SMALL_LCS = 4096;
let smallRow = new Int32Array(65);

/** LCS length by the quadratic DP with one rolling row, for short pairs. */
function lcsLengthSmall(a: string[], b: string[]): number {
  if (smallRow.length <= b.length) smallRow = new Int32Array(2 * b.length + 1);
  const row = smallRow.fill(0, 0, b.length + 1);
  for (let i = 0; i < a.length; i++) {
    let diag = 0; // t[i-1][j-1]
    for (let j = 1; j <= b.length; j++) {
      const up = row[j];
      row[j] = a[i] === b[j - 1] ? diag + 1 : Math.max(up, row[j - 1]);
      diag = up;
    }
  }
  return row[b.length];
}

/** rouge-score `_score_lcs` (ROUGE-L). */
function scoreLcs(target: string[], prediction: string[]): RougeScore {
  if (target.length === 0 || prediction.length === 0) return { precision: 0, recall: 0, fmeasure: 0 };
  checkLimit("rougeL", target.length, prediction.length);
  // Sentence-sized pairs: the plain DP over strings beats interning tokens for the bit-parallel one.
  let lcs: number;
  if (target.length * prediction.length <= SMALL_LCS) lcs = lcsLengthSmall(target, prediction);
  else {
    const [t, p] = idsOf([target, prediction], new Map());
    lcs = lcsLength(t, p);
  }
  const precision = lcs / prediction.length;
  const recall = lcs / target.length;
  return { precision, recall, fmeasure: fmeasure(precision, recall) };
}

/** rouge-score `_summary_level_lcs` (ROUGE-Lsum, union LCS without double counting). */
function summaryLevelLcs(refSents: string[][], canSents: string[][]): RougeScore {
  const zero = { precision: 0, recall: 0, fmeasure: 0 };
  if (refSents.length === 0 || canSents.length === 0) return zero;
  const m = refSents.reduce((s, x) => s + x.length, 0);
  const n = canSents.reduce((s, x) => s + x.length, 0);
  if (!n || !m) return zero;
  checkLimit("rougeLsum", m, n);
  const ids = new Map<string, number>();
  const refIds = idsOf(refSents, ids);
  const canIds = idsOf(canSents, ids);
  const countsR = new Map<string, number>();
  const countsC = new Map<string, number>();
  for (const s of refSents) for (const t of s) countsR.set(t, (countsR.get(t) ?? 0) + 1);
  for (const s of canSents) for (const t of s) countsC.set(t, (countsC.get(t) ?? 0) + 1);
  let hits = 0;
  refSents.forEach((r, k) => {
    const union = new Set<number>();
    for (const c of canIds) for (const idx of lcsIndices(refIds[k], c)) union.add(idx);
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
  });
  const recall = hits / m;
  const precision = hits / n;
  return { precision, recall, fmeasure: fmeasure(precision, recall) };
}

/** rouge-score `get_sents` without `split_summaries`: newline-separated, empty lines dropped. */
const sentences = (text: string) => text.split("\n").filter((s) => s.length > 0);

function checkTypes(types: string[]): void {
  for (const t of types)
    if (!ROUGE_TYPE.test(t)) throw new UserError(`unknown ROUGE type "${t}" (known: rouge1..rouge9, rougeL, rougeLsum)`);
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

/** A single ROUGE scorer's arguments: rouge-score's own parameter name `use_stemmer`. */
const fixedTypeArgs = z.strictObject({ use_stemmer: z.boolean().default(false) });
/** The generic `rouge` scorer also takes the type. */
const anyTypeArgs = fixedTypeArgs.extend({
  type: z.string().regex(ROUGE_TYPE, "unknown ROUGE type (known: rouge1..rouge9, rougeL, rougeLsum)").default("rougeL"),
});
/** Spellings that earlier versions accepted or that rouge-score has but assay does not. */
const ROUGE_HINTS = {
  stem: 'use "use_stemmer" (rouge-score\'s name)',
  useStemmer: 'use "use_stemmer"',
  variant: 'use "type"',
  split_summaries: "NLTK sentence splitting is not supported; separate sentences with newlines",
};

function rougeScorerFor(fixedType: string | undefined): ScorerFactory {
  return (args) => {
    const name = fixedType ?? "rouge";
    const parsed = fixedType
      ? { ...scorerArgs(fixedTypeArgs, args, name, ROUGE_HINTS), type: fixedType }
      : scorerArgs(anyTypeArgs, args, name, ROUGE_HINTS);
    const { type, use_stemmer: useStemmer } = parsed;
    return {
      name,
      spec: { name, args },
      score(input) {
        let s: RougeScore;
        try {
          s = rouge(input.answer ?? "", input.targets, { types: [type], useStemmer })[type];
        } catch (error) {
          // Inside a run an over-long pair is unscored with the reason, never a hang.
          if (error instanceof RougeLimitError) return { value: null, explanation: `${error.message}; unscored` };
          throw error;
        }
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
