// Multi-digit addition and subtraction: items, the prompt format the demo suite renders,
// and the digit-by-digit scratchpad the model learns to write after "Let's think step by step."
import { intBetween, numberWithDigits, type Random } from "./rng.ts";

export type ArithmeticOp = "+" | "-";

/** One arithmetic item; `answer` is the exact result as a decimal string. */
export interface ArithmeticItem {
  id?: string;
  a: number;
  b: number;
  answer: string;
}

/** The task prompt, identical to the suite's `prompt:` template. */
export function arithmeticPrompt(op: ArithmeticOp, item: ArithmeticItem): string {
  return `Q: What is ${item.a} ${op} ${item.b}?\nA:`;
}

/** A key that identifies an arithmetic question across splits. */
export function arithmeticKey(op: ArithmeticOp, a: number, b: number): string {
  return `${a}${op}${b}`;
}

/** Draw an item whose operands have the given digit counts (subtraction keeps a >= b). */
export function arithmeticItem(r: Random, op: ArithmeticOp, digitsA: number, digitsB: number): ArithmeticItem {
  let a = numberWithDigits(r, digitsA);
  let b = numberWithDigits(r, digitsB);
  if (op === "-" && b > a) [a, b] = [b, a];
  return { a, b, answer: String(op === "+" ? a + b : a - b) };
}

/** Operand digit counts for training: mostly 3 and 4 digits, some shorter ones. */
export function trainingDigits(r: Random): [number, number] {
  const pickDigits = () => [1, 2, 3, 3, 4, 4, 4, 4][intBetween(r, 0, 7)];
  return [pickDigits(), pickDigits()];
}

function digitsOf(n: number, width: number): number[] {
  return String(n).padStart(width, "0").split("").reverse().map(Number);
}

/**
 * The scratchpad, one column per step from the ones digit: "1+7=8, 8. 2+6+1=9, 98. ..."
 * Each step states the column sum (with the carry) and the answer digits so far; the last
 * column writes its whole sum. Subtraction borrows explicitly: "12-1-6=5, 54." means
 * 2 borrowed ten, minus the previous borrow, minus 6.
 */
export function arithmeticRationale(op: ArithmeticOp, item: ArithmeticItem): string {
  const width = Math.max(String(item.a).length, String(item.b).length);
  const xs = digitsOf(item.a, width);
  const ys = digitsOf(item.b, width);
  const steps: string[] = [];
  let carry = 0;
  let sofar = "";
  for (let i = 0; i < width; i++) {
    const last = i === width - 1;
    if (op === "+") {
      const sum = xs[i] + ys[i] + carry;
      const lhs = carry ? `${xs[i]}+${ys[i]}+1` : `${xs[i]}+${ys[i]}`;
      sofar = (last ? String(sum) : String(sum % 10)) + sofar;
      steps.push(`${lhs}=${sum}, ${sofar}.`);
      carry = sum >= 10 ? 1 : 0;
    } else {
      const borrowIn = carry;
      const borrowOut = xs[i] - borrowIn - ys[i] < 0 ? 1 : 0;
      const top = xs[i] + 10 * borrowOut;
      const diff = top - borrowIn - ys[i];
      const lhs = borrowIn ? `${top}-1-${ys[i]}` : `${top}-${ys[i]}`;
      sofar = String(diff) + sofar;
      steps.push(`${lhs}=${diff}, ${sofar}.`);
      carry = borrowOut;
    }
  }
  return steps.join(" ");
}
