// The verification format: a question, a proposed answer and a verdict, so the demo model
// can act as a (weak) autorater of arithmetic answers.
import { intBetween, pick, type Random } from "./rng.ts";
import { arithmeticItem, type ArithmeticOp } from "./arithmetic.ts";

/** One verification item: `verdict` is "correct" or "incorrect". */
export interface VerificationItem {
  id?: string;
  question: string;
  proposed: string;
  verdict: "correct" | "incorrect";
}

/** The task prompt, identical to the suite's `prompt:` template. */
export function verificationPrompt(item: { question: string; proposed: string }): string {
  return `Question: ${item.question}\nProposed answer: ${item.proposed}\nVerdict:`;
}

/** A plausible wrong answer: off by 1, 2, 10 or 100, or two digits swapped. */
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

/** An arithmetic question with operands of the given digit counts, proposed answer right half the time. */
export function verificationItem(r: Random, digitsA: number, digitsB: number): VerificationItem & { key: string } {
  const op: ArithmeticOp = r() < 0.5 ? "+" : "-";
  const item = arithmeticItem(r, op, digitsA, digitsB);
  const correct = r() < 0.5;
  const proposed = correct ? item.answer : String(nearMiss(r, Number(item.answer)));
  return {
    question: `What is ${item.a} ${op} ${item.b}?`,
    proposed,
    verdict: correct ? "correct" : "incorrect",
    key: `${item.a}${op}${item.b}`,
  };
}
