// Multiple-choice accuracy: from a generated answer (letter or option text, extracted
// robustly) or from per-choice log-likelihoods (acc / acc_norm).
// Reference for acc / acc_norm: EleutherAI lm-evaluation-harness, lm_eval/api/task.py
// (multiple_choice process_results: acc = argmax(lls) == gold, acc_norm = argmax(lls /
// completion_len) == gold; numpy argmax keeps the first maximum).

import { z } from "zod";
import type { ScoreInput, ScorerFactory } from "../types.ts";
import { scorerArgs } from "./args.ts";
import { codePointLength } from "./python-text.ts";

/** Option labels: A, B, C, ... */
export const choiceLabel = (index: number): string => String.fromCharCode(65 + index);

const norm = (s: string) =>
  s
    .toLowerCase()
    .replace(/[\s\p{P}]+/gu, " ")
    .trim();

/**
 * Which option (0-based) a generated answer picks, or null when it cannot be told.
 * Tries, in order: a bare letter (`B`, `(B)`, `B.`, `b)`), an explicit statement (`answer is
 * (B)`, `Answer: B`, `option B`; the last one wins), the text of exactly one option (whole
 * answer first, then containment), then a single standalone capital label.
 * @example extractChoice("The answer is (C).", ["red", "green", "blue"]) // 2
 */
export function extractChoice(answer: string, choices: string[]): number | null {
  const n = choices.length;
  const labels = choices.map((_, i) => choiceLabel(i));
  const fromLetter = (l: string) => {
    const i = labels.indexOf(l.toUpperCase());
    return i >= 0 ? i : null;
  };
  const text = answer.trim();
  const bare = /^[([]?\s*([A-Za-z])\s*[)\].:]?$/.exec(text);
  if (bare && fromLetter(bare[1]) !== null) return fromLetter(bare[1]);

  const stated = [
    ...text.matchAll(/\b(?:answer|option|choice)\s*(?:is|:|=)?\s*(?:option\s+|choice\s+)?([([]?)([A-Za-z])[)\]]?(?![\p{L}\p{N}])/giu),
  ];
  for (let k = stated.length - 1; k >= 0; k--) {
    const [, paren, letter] = stated[k];
    if (letter === letter.toLowerCase() && !paren) continue; // "the answer is a cat": an article, not option A
    const i = fromLetter(letter);
    if (i !== null) return i;
  }

  const normalized = norm(text);
  const normChoices = choices.map(norm);
  const exact = normChoices.indexOf(normalized);
  if (exact >= 0 && normalized !== "") return exact;
  const contained = normChoices.map((c, i) => (c !== "" && ` ${normalized} `.includes(` ${c} `) ? i : -1)).filter((i) => i >= 0);
  if (contained.length === 1) return contained[0];
  if (contained.length > 1) {
    // Prefer the longest option when the others are contained in it ("red" vs "dark red").
    const longest = contained.reduce((a, b) => (normChoices[b].length > normChoices[a].length ? b : a));
    if (contained.every((i) => i === longest || normChoices[longest].includes(normChoices[i]))) return longest;
  }

  const standalone = new Set<number>();
  for (const m of text.matchAll(/(?<![\p{L}\p{N}])([A-Z])(?![\p{L}\p{N}'])/gu)) {
    const i = labels.indexOf(m[1]);
    if (i >= 0 && i < n && !(m[1] === "A" && /^A\s+[a-z]/.test(text.slice(m.index)))) standalone.add(i);
  }
  return standalone.size === 1 ? [...standalone][0] : null;
}

/** The gold option index from a target: a label (`B`), a 0-based index (`1`), or an option's text. */
export function goldChoice(target: string, choices: string[]): number | null {
  const t = target.trim();
  if (/^[A-Za-z]$/.test(t)) {
    const i = t.toUpperCase().charCodeAt(0) - 65;
    if (i < choices.length) return i;
  }
  if (/^\d+$/.test(t) && Number(t) < choices.length) return Number(t);
  const i = choices.map(norm).indexOf(norm(t));
  return i >= 0 ? i : null;
}

/** numpy `argmax`: index of the first maximum. */
function argmax(xs: number[]): number {
  let k = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i] > xs[k]) k = i;
  return k;
}

/** lm-eval `acc`: whether the highest log-likelihood choice is the gold one. */
export function accFromLoglikelihoods(logprobs: number[], gold: number): number {
  return argmax(logprobs) === gold ? 1 : 0;
}

/** lm-eval `acc_norm`: log-likelihood divided by the choice's length (bytes by default) before the argmax. */
export function accNormFromLoglikelihoods(logprobs: number[], lengths: number[], gold: number): number {
  return argmax(logprobs.map((lp, i) => lp / lengths[i])) === gold ? 1 : 0;
}

function choicesOf(input: ScoreInput): string[] {
  const fromItem = input.item.choices;
  if (input.task?.choices?.length) return input.task.choices;
  if (Array.isArray(fromItem)) return fromItem.map(String);
  return [];
}

const choiceArgs = z
  .strictObject({
    metric: z.enum(["acc", "acc_norm"]).default("acc"),
    // lm-evaluation-harness divides by len(continuation) in Python, i.e. code points: the default.
    norm: z.enum(["chars", "bytes"]).optional(),
  })
  .superRefine((o, ctx) => {
    if (o.norm !== undefined && o.metric !== "acc_norm")
      ctx.addIssue({ code: "custom", path: ["norm"], message: "applies to metric: acc_norm only" });
  })
  .transform((o) => ({ metric: o.metric, norm: o.norm ?? "chars" }));

/**
 * `choice` scorer. With per-choice log-likelihoods it reports lm-eval `acc` (or `acc_norm`
 * with `metric: acc_norm`; `norm: chars` (default, as lm-eval: code points of the continuation) or `bytes`); otherwise
 * it extracts the picked option from the generated answer. The target is a label, an index
 * or the option text; the choices come from the task or the item's `choices` field.
 * @example `{name: choice, metric: acc_norm}`
 */
export const choiceScorer: ScorerFactory = (args) => {
  const { metric, norm: normBy } = scorerArgs(choiceArgs, args, "choice");
  return {
    name: metric === "acc_norm" ? "acc_norm" : "choice",
    spec: { name: "choice", args },
    binary: true,
    score(input) {
      const choices = choicesOf(input);
      const target = input.targets[0] ?? "";
      const lls = input.choiceLoglikelihoods;
      const count = lls?.length ?? choices.length;
      const gold = goldChoice(target, choices.length ? choices : Array.from({ length: count }, (_, i) => choiceLabel(i)));
      if (gold === null) return { value: null, explanation: `target "${target}" is not one of the ${count} choices; unscored` };
      if (lls?.length) {
        const logprobs = lls.map((c) => c.logprob);
        if (metric === "acc") {
          const pred = argmax(logprobs);
          return {
            value: pred === gold ? 1 : 0,
            explanation: `acc: highest log-likelihood ${choiceLabel(pred)}, gold ${choiceLabel(gold)}`,
          };
        }
        const lengths =
          normBy === "bytes"
            ? lls.map((c) => c.bytes)
            : lls.map((c, i) => c.chars ?? (choices.length === lls.length ? codePointLength(choices[i]) : c.bytes));
        const pred = argmax(logprobs.map((lp, i) => lp / lengths[i]));
        return {
          value: pred === gold ? 1 : 0,
          explanation: `acc_norm (${normBy}): highest ${choiceLabel(pred)}, gold ${choiceLabel(gold)}`,
        };
      }
      if (input.answer === null) return { value: 0, explanation: "no answer extracted; scored as empty string: no option picked" };
      const picked = extractChoice(input.answer, choices.length ? choices : Array.from({ length: count }, (_, i) => choiceLabel(i)));
      if (picked === null) return { value: 0, explanation: "could not tell which option the answer picks" };
      return { value: picked === gold ? 1 : 0, explanation: `picked ${choiceLabel(picked)}, gold ${choiceLabel(gold)}` };
    },
  };
};
