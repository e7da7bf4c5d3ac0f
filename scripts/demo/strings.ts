// String transformations behind one ambiguous instruction ("Transform: abcde ->"): only
// demonstrations reveal which rule is meant, so few-shot prompting matters.
import { intBetween, type Random } from "./rng.ts";

export const stringRules = ["reverse", "sort", "rotate", "double"] as const;
export type StringRule = (typeof stringRules)[number];

/** One string item: the input letters, the rule and its output. */
export interface StringItem {
  id?: string;
  input: string;
  rule: StringRule;
  output: string;
}

/** Apply a rule: reverse, sort alphabetically, move the first letter to the end, or double each letter. */
export function applyRule(rule: StringRule, input: string): string {
  const chars = input.split("");
  switch (rule) {
    case "reverse":
      return chars.reverse().join("");
    case "sort":
      return chars.sort().join("");
    case "rotate":
      return input.slice(1) + input[0];
    case "double":
      return chars.map((c) => c + c).join("");
  }
}

/** The task prompt, identical to the suite's `prompt:` template. */
export function stringPrompt(item: { input: string }): string {
  return `Transform: ${item.input} ->`;
}

/** Distinct lowercase letters, `length` of them, in random order. */
export function randomLetters(r: Random, length: number): string {
  const pool = "abcdefghijklmnopqrstuvwxyz".split("");
  let out = "";
  for (let i = 0; i < length; i++) out += pool.splice(intBetween(r, 0, pool.length - 1), 1)[0];
  return out;
}

/** Draw an item for `rule` with an input of `minLength`..`maxLength` letters. */
export function stringItem(r: Random, rule: StringRule, minLength: number, maxLength: number): StringItem {
  const input = randomLetters(r, intBetween(r, minLength, maxLength));
  return { input, rule, output: applyRule(rule, input) };
}
