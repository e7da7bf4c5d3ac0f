// The judge format: the demo model verifies a proposed answer to an arithmetic question by
// writing the scratchpad first, then comparing, then its verdict (suites/demo/verify.hbs).
import { fence } from "../../src/score/autorater/fence.ts";
import { arithmeticItem, arithmeticPrompt, arithmeticRationale, type ArithmeticItem, type ArithmeticOp } from "./arithmetic.ts";
import { intBetween, pick, type Random } from "./rng.ts";

/** One verification item of the demo-verification suite (the judge format with a fixed boundary). */
export interface VerificationItem {
  id?: string;
  a: number;
  op: ArithmeticOp;
  b: number;
  proposed: string;
  boundary: string;
  verdict: "correct" | "incorrect";
}

/**
 * The judge prompt exactly as assay renders suites/demo/verify.hbs
 * ("Verify: {{input}}\nProposed answer: {{answer}}\nCheck:"), both texts fenced with one boundary.
 */
export function judgePrompt(taskPrompt: string, answer: string, boundary: string): string {
  return `Verify: ${fence(taskPrompt, boundary).text}\nProposed answer: ${fence(answer, boundary).text}\nCheck:`;
}

/** The verdict of exact match, which the judge is trained to reproduce. */
export const verdictOf = (answer: string, proposed: string): "correct" | "incorrect" => (proposed === answer ? "correct" : "incorrect");

/**
 * The comparison, in the scratchpad's style: from the ones digit, each step rewrites the two
 * numbers still to compare (zero-padded to equal width), so the digits it compares sit right
 * before it, and stops at the first difference: "1072=1111? 2=1 no." A model that compared the
 * two numbers in one go (implicitly, at the verdict word) stayed at chance: measured here, the
 * verdict given the right line was 0.55 after 750 steps.
 */
export function comparison(answer: string, proposed: string): string {
  const width = Math.max(answer.length, proposed.length);
  const a = answer.padStart(width, "0");
  const p = proposed.padStart(width, "0");
  const steps: string[] = [];
  for (let i = 0; i < width; i++) {
    const x = a.slice(0, width - i);
    const y = p.slice(0, width - i);
    const same = x.at(-1) === y.at(-1);
    steps.push(`${x}=${y}? ${x.at(-1)}=${y.at(-1)} ${same ? "yes" : "no"}.`);
    if (!same) break;
  }
  return steps.join(" ");
}

/**
 * What the judge writes after "Check:": the proposed answer copied out of its fence first,
 * then the chain-of-thought scratchpad, the digit-by-digit comparison and the verdict, e.g.
 * " Proposed 1111. 357+715: 7+5=12, 2. ... 1072. The answer is 1072. 1072=1111? 2=1 no. Verdict: incorrect\n".
 * An empty proposed answer is written "nothing" and needs no comparison. The copy comes first
 * because written after the computed answer, the model learned to copy that answer instead of
 * the fenced one (measured on 16 suite items: 11 copies were not the proposed answer, 9 of
 * them the model's own, e.g. "Proposed 696." for a proposed 692, so it judged almost all correct).
 */
export function judgeCompletion(op: ArithmeticOp, item: ArithmeticItem, proposed: string): string {
  const verdict = verdictOf(item.answer, proposed);
  const shown = proposed === "" ? "nothing" : proposed;
  const check = proposed === "" ? "" : ` ${comparison(item.answer, proposed)}`;
  return ` Proposed ${shown}. ${arithmeticRationale(op, item)} The answer is ${item.answer}.${check} Verdict: ${verdict}\n`;
}

/** 16 hex digits from the seeded stream, shaped like src/score/autorater/fence.ts's newBoundary(). */
export function seededBoundary(r: Random): string {
  const word = () =>
    Math.floor(r() * 2 ** 32)
      .toString(16)
      .padStart(8, "0");
  return word() + word();
}

/** A plausible wrong answer: off by 1, 2, 10 or 100, or two digits swapped (CoT slips look like this). */
function nearMiss(r: Random, answer: number): number {
  for (;;) {
    const digits = String(answer).split("");
    let wrong: number;
    if (r() < 0.25 && digits.length >= 2) {
      const i = intBetween(r, 0, digits.length - 2);
      [digits[i], digits[i + 1]] = [digits[i + 1], digits[i]];
      wrong = Number(digits.join(""));
    } else {
      wrong = answer + pick(r, [1, -1, 2, -2, 10, -10, 100, -100]);
    }
    if (wrong !== answer && wrong >= 0 && String(wrong)[0] !== "0") return wrong;
  }
}

/**
 * A wrong answer shaped like the demo model's direct (zero-shot) answers: the leading digit or
 * two roughly right, the rest a repeated digit pattern (" 1111" for 357 + 715, " 322" for
 * 710 - 413) or random digits, usually of the right length.
 */
function zeroShotLike(r: Random, answer: string): string {
  for (;;) {
    const length = Math.max(1, answer.length + pick(r, [0, 0, 0, 0, 0, -1, 1]));
    let s = answer.slice(0, Math.min(length, intBetween(r, 0, 2)));
    if (s !== "" && r() < 0.3) s = String(Math.min(9, Math.max(1, Number(s[0]) + pick(r, [1, -1])))) + s.slice(1);
    const fill = r() < 0.65 ? pick(r, ["1", "2", "11", "22", "12", "21", "72", "86", "0"]) : "";
    while (s.length < length) s += fill === "" ? String(intBetween(r, 0, 9)) : fill;
    s = s.slice(0, length);
    if (s !== answer && !(s.length > 1 && s[0] === "0")) return s;
  }
}

/** A proposed answer as the demo model's zero-shot and chain-of-thought answers look: right, near, far or empty. */
export function proposedAnswer(r: Random, answer: string): string {
  const u = r();
  if (u < 0.45) return answer;
  if (u < 0.5) return "";
  if (u < 0.7) return String(nearMiss(r, Number(answer)));
  return zeroShotLike(r, answer);
}

/** A verification item: an arithmetic question with the given operand digit counts, a proposed answer and a boundary. */
export function verificationItem(r: Random, digitsA: number, digitsB: number): VerificationItem & { key: string } {
  const op: ArithmeticOp = r() < 0.5 ? "+" : "-";
  const item = arithmeticItem(r, op, digitsA, digitsB);
  const proposed = proposedAnswer(r, item.answer);
  return {
    a: item.a,
    op,
    b: item.b,
    proposed,
    boundary: seededBoundary(r),
    verdict: verdictOf(item.answer, proposed),
    key: `${item.a}${op}${item.b}`,
  };
}

/** The rendered judge prompt and the judge's line for an item. */
export function verificationShot(v: VerificationItem): { prompt: string; target: string } {
  const item = { a: v.a, b: v.b, answer: String(v.op === "+" ? v.a + v.b : v.a - v.b) };
  return { prompt: judgePrompt(arithmeticPrompt(v.op, item), v.proposed, v.boundary), target: judgeCompletion(v.op, item, v.proposed) };
}
