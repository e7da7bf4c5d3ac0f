// SQuAD v1.1 exact match and token F1, with the official answer normalisation.
// Reference: the official SQuAD v1.1 evaluation script (evaluate-v1.1.py, Rajpurkar et
// al. 2016): normalize_answer, exact_match_score, f1_score, metric_max_over_ground_truths.

import { z } from "zod";
import type { ScorerFactory } from "../types.ts";
import { scorerArgs } from "./args.ts";
import { pySplit } from "./python-text.ts";

/** Python's `string.punctuation` (ASCII only). */
const PUNCTUATION = new Set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~");

/**
 * Python's `re.sub(r'\b(a|an|the)\b', ' ', text)` on a `str`: Python's `\b` is Unicode-aware
 * (a word character is a letter, a number or `_`; combining marks are not), JavaScript's
 * `\b` is ASCII-only, so the boundary is spelled out with look-arounds.
 */
const ARTICLES = /(?<![\p{L}\p{N}_])(?:a|an|the)(?![\p{L}\p{N}_])/gu;

/** SQuAD `normalize_answer`: lower-case, drop ASCII punctuation, drop a/an/the, collapse white space. */
export function normalizeAnswer(s: string): string {
  let text = s.toLowerCase();
  let kept = "";
  for (const ch of text) if (!PUNCTUATION.has(ch)) kept += ch;
  text = kept.replace(ARTICLES, " ");
  return pySplit(text).join(" ");
}

/** SQuAD `f1_score` of one prediction against one ground truth (0-1). */
export function squadTokenF1(prediction: string, groundTruth: string): number {
  const predTokens = pySplit(normalizeAnswer(prediction));
  const truthTokens = pySplit(normalizeAnswer(groundTruth));
  const truthCounts = new Map<string, number>();
  for (const t of truthTokens) truthCounts.set(t, (truthCounts.get(t) ?? 0) + 1);
  let numSame = 0;
  for (const t of predTokens) {
    const left = truthCounts.get(t) ?? 0;
    if (left > 0) {
      numSame++;
      truthCounts.set(t, left - 1);
    }
  }
  if (numSame === 0) return 0;
  const precision = (1.0 * numSame) / predTokens.length;
  const recall = (1.0 * numSame) / truthTokens.length;
  return (2 * precision * recall) / (precision + recall);
}

/** SQuAD exact match, maximised over the references: 1 or 0. */
export function squadExactMatch(prediction: string, references: string[]): number {
  const p = normalizeAnswer(prediction);
  return references.some((r) => normalizeAnswer(r) === p) ? 1 : 0;
}

/** SQuAD token F1, maximised over the references (0-1). */
export function squadF1(prediction: string, references: string[]): number {
  let best = 0;
  for (const r of references) best = Math.max(best, squadTokenF1(prediction, r));
  return best;
}

/**
 * `f1` scorer: SQuAD v1.1 token F1, max over the targets. A missing answer scores as the
 * empty string (F1 0).
 * @example `{name: f1}`
 */
export const f1Scorer: ScorerFactory = (args) => {
  scorerArgs(z.strictObject({}), args, "f1"); // SQuAD's F1 has no options: any field is a mistake
  return {
    name: "f1",
    spec: { name: "f1", args },
    score(input) {
      const value = squadF1(input.answer ?? "", input.targets);
      const note = input.answer === null ? "no answer extracted; scored as empty string. " : "";
      return { value, explanation: `${note}SQuAD F1 ${value.toFixed(4)} (max over ${input.targets.length} reference(s))` };
    },
  };
};
