// exact-match: the answer equals a reference after optional normalisation.
// `normalize: squad` (the default) is the SQuAD v1.1 script's normalize_answer.
import { z } from "zod";
import { normalizeAnswer } from "./squad.ts";
import { scorerArgs } from "./args.ts";
import type { ScorerFactory } from "../types.ts";

const steps = ["case", "whitespace", "punctuation", "articles"] as const;
const args = z
  .object({
    normalize: z.union([z.enum(["squad", "none"]), z.array(z.enum(steps))]).default("squad"),
  })
  .strict();

/** Normalise text by the chosen steps (a subset of SQuAD's, applied in SQuAD's order). */
export function normalizeBy(text: string, normalize: "squad" | "none" | readonly (typeof steps)[number][]): string {
  if (normalize === "squad") return normalizeAnswer(text);
  if (normalize === "none") return text.trim();
  let s = text;
  if (normalize.includes("case")) s = s.toLowerCase();
  if (normalize.includes("punctuation")) s = s.replace(/[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g, "");
  if (normalize.includes("articles")) s = s.replace(/(?<![\p{L}\p{N}_])(a|an|the)(?![\p{L}\p{N}_])/gu, " ");
  if (normalize.includes("whitespace")) s = s.split(/\s+/u).filter(Boolean).join(" ");
  return s.trim();
}

/** `exact-match`: 1 when the extracted answer equals any reference after normalisation. */
export const exactMatchScorer: ScorerFactory = (raw) => {
  const { normalize } = scorerArgs(args, raw, "exact-match");
  return {
    name: "exact-match",
    spec: { name: "exact-match", args: raw },
    binary: true,
    score({ answer, targets }) {
      if (answer === null) return { value: 0, explanation: "no answer extracted" };
      const a = normalizeBy(answer, normalize);
      return { value: targets.some((t) => normalizeBy(t, normalize) === a) ? 1 : 0 };
    },
  };
};
