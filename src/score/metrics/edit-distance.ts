// Levenshtein edit distance over code points and a similarity normalised to 0-1.
// Reference: Levenshtein (1966); unit costs for insertion, deletion and substitution, as
// NLTK's nltk.metrics.distance.edit_distance (substitution_cost=1, transpositions=False),
// which the conformance fixture was produced with.

import { z } from "zod";
import type { ScorerFactory } from "../types.ts";
import { scorerArgs } from "./args.ts";

/** Levenshtein distance between `a` and `b`, counting code points (an emoji is one character). */
export function levenshtein(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  if (x.length === 0) return y.length;
  if (y.length === 0) return x.length;
  let prev = new Int32Array(y.length + 1);
  let cur = new Int32Array(y.length + 1);
  for (let j = 0; j <= y.length; j++) prev[j] = j;
  for (let i = 1; i <= x.length; i++) {
    cur[0] = i;
    const xi = x[i - 1];
    for (let j = 1; j <= y.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (xi === y[j - 1] ? 0 : 1));
    }
    [prev, cur] = [cur, prev];
  }
  return prev[y.length];
}

/**
 * Similarity `1 - distance / max(len(a), len(b))` in code points; 1 for two empty strings.
 * @example editSimilarity("kitten", "sitting") // 1 - 3/7
 */
export function editSimilarity(a: string, b: string): number {
  const longest = Math.max(Array.from(a).length, Array.from(b).length);
  return longest === 0 ? 1 : 1 - levenshtein(a, b) / longest;
}

const editDistanceArgs = z.strictObject({ lowercase: z.boolean().default(false), strip: z.boolean().default(true) });

/**
 * `edit-distance` scorer: the best normalised similarity over the targets (0-1).
 * Args: `lowercase` (default false), `strip` (trim white space, default true).
 * @example `{name: edit-distance, lowercase: true}`
 */
export const editDistanceScorer: ScorerFactory = (args) => {
  const { lowercase, strip } = scorerArgs(editDistanceArgs, args, "edit-distance");
  const prep = (s: string) => {
    const t = strip ? s.trim() : s;
    return lowercase ? t.toLowerCase() : t;
  };
  return {
    name: "edit-distance",
    spec: { name: "edit-distance", args },
    score(input) {
      const answer = prep(input.answer ?? "");
      let best = -1;
      let bestDistance = 0;
      for (const t of input.targets.length ? input.targets : [""]) {
        const target = prep(t);
        const s = editSimilarity(answer, target);
        if (s > best) {
          best = s;
          bestDistance = levenshtein(answer, target);
        }
      }
      const note = input.answer === null ? "no answer extracted; scored as empty string. " : "";
      return { value: best, explanation: `${note}similarity ${best.toFixed(4)} (Levenshtein distance ${bestDistance})` };
    },
  };
};
