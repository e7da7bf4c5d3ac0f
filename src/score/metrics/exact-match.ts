// exact-match: the answer equals a reference after optional normalisation.
// `normalize: squad` (the default) is the SQuAD v1.1 script's normalize_answer;
// `normalize: number` compares numbers by value, keeping their sign and decimal point.
import { z } from "zod";
import { normalizeAnswer } from "./squad.ts";
import { scorerArgs } from "./args.ts";
import { pySplit, pyStrip } from "./python-text.ts";
import type { ScorerFactory } from "../types.ts";

const steps = ["case", "whitespace", "punctuation", "articles"] as const;
const args = z
  .object({
    normalize: z.union([z.enum(["squad", "none", "number"]), z.array(z.enum(steps))]).default("squad"),
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

// A whole answer that is one number: a sign (+, -, or U+2212 minus), digits (optionally grouped
// in threes by commas: 1,234,567), an optional decimal part (5., .5, 5.25), an optional exponent.
const NUMBER = /^([+\-\u2212]?)((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * The numeric value of an answer that is a number (after stripping white space), else null.
 * The value is Python's `float()` of the text without its thousands separators.
 * @example parseNumber(" -1,234.50 ") // -1234.5
 */
export function parseNumber(text: string): number | null {
  const match = NUMBER.exec(pyStrip(text));
  if (!match) return null;
  const sign = match[1] === "\u2212" ? "-" : match[1];
  return Number(`${sign}${match[2].replace(/,/g, "")}${match[3] ?? ""}`);
}

/**
 * `normalize: number`: two answers that are both numbers are equal when their values are
 * ("-5" is not "5"; "1,000" is "1000.0"); otherwise they are compared as text, lower-cased
 * with white space collapsed (Python's `" ".join(s.lower().split())`).
 */
export function numbersEqual(answer: string, reference: string): boolean {
  const a = parseNumber(answer);
  const b = parseNumber(reference);
  if (a !== null && b !== null) return a === b;
  return pySplit(answer.toLowerCase()).join(" ") === pySplit(reference.toLowerCase()).join(" ");
}

// Results are shared, never mutated: one object per outcome instead of one per trial.
const pass = Object.freeze({ value: 1 });
const fail = Object.freeze({ value: 0 });

/** `exact-match`: 1 when the extracted answer equals any reference after normalisation. */
export const exactMatchScorer: ScorerFactory = (raw) => {
  const { normalize } = scorerArgs(args, raw, "exact-match");
  return {
    name: "exact-match",
    spec: { name: "exact-match", args: raw },
    binary: true,
    score({ answer, targets }) {
      if (answer === null) return { value: 0, explanation: "no answer extracted" };
      if (normalize === "number") return targets.some((t) => numbersEqual(answer, t)) ? pass : fail;
      const a = normalizeBy(answer, normalize);
      return targets.some((t) => normalizeBy(t, normalize) === a) ? pass : fail;
    },
  };
};
