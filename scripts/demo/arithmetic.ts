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

/** Operand digit counts for training: mostly 3 digits (as the eval items), some shorter, a few 4. */
export function trainingDigits(r: Random): [number, number] {
  const pickDigits = () => [1, 2, 2, 3, 3, 3, 3, 4][intBetween(r, 0, 7)];
  return [pickDigits(), pickDigits()];
}

/**
 * The scratchpad, one column per step from the ones digit. Each step first rewrites the
 * operands still to be added (zero-padded to equal width, one digit shorter each step), so
 * the digits a step needs sit right before its sum instead of far back in the question:
 * "3577+7157: 7+7=14, 4. 357+715: 7+5+1=13, 34. 35+71: 5+1+1=7, 734. 3+7: 3+7=10, 10734."
 * After the operands: the column sum with the carry, then the answer digits so far (the last
 * column writes its whole sum). Subtraction borrows explicitly: "17-9=8" borrowed ten,
 * "4-1-2=1" pays the borrow back.
 */
export function arithmeticRationale(op: ArithmeticOp, item: ArithmeticItem): string {
  const width = Math.max(String(item.a).length, String(item.b).length);
  const padA = String(item.a).padStart(width, "0");
  const padB = String(item.b).padStart(width, "0");
  const steps: string[] = [];
  let carry = 0;
  let sofar = "";
  for (let i = 0; i < width; i++) {
    const last = i === width - 1;
    const x = Number(padA[width - 1 - i]);
    const y = Number(padB[width - 1 - i]);
    const operands = `${padA.slice(0, width - i)}${op}${padB.slice(0, width - i)}:`;
    if (op === "+") {
      const sum = x + y + carry;
      const lhs = carry ? `${x}+${y}+1` : `${x}+${y}`;
      sofar = (last ? String(sum) : String(sum % 10)) + sofar;
      steps.push(`${operands} ${lhs}=${sum}, ${sofar}.`);
      carry = sum >= 10 ? 1 : 0;
    } else {
      const borrowIn = carry;
      const borrowOut = x - borrowIn - y < 0 ? 1 : 0;
      const top = x + 10 * borrowOut;
      const diff = top - borrowIn - y;
      const lhs = borrowIn ? `${top}-1-${y}` : `${top}-${y}`;
      sofar = String(diff) + sofar;
      steps.push(`${operands} ${lhs}=${diff}, ${sofar}.`);
      carry = borrowOut;
    }
  }
  return steps.join(" ");
}
