// Answer extraction shared by the strategies.
import { UserError } from "../errors.ts";

/** The whole output, trimmed; null when empty. */
export function plainAnswer(output: string): string | null {
  const trimmed = output.trim();
  return trimmed === "" ? null : trimmed;
}

const defaultFinalAnswer = /(?:answer is|ANSWER:)[ \t]*:?[ \t]*([^\n]*)/gi;

/**
 * The last final-answer statement in a reasoning output: the text after the last
 * "answer is" or "ANSWER:", without markdown emphasis or a trailing period. With `pattern`
 * (a regular expression), the first capture group (or the whole match) of its last match.
 */
export function finalAnswer(output: string, pattern?: RegExp): string | null {
  const regex = pattern ?? defaultFinalAnswer;
  let last: RegExpExecArray | null = null;
  regex.lastIndex = 0;
  for (let m = regex.exec(output); m !== null; m = regex.exec(output)) {
    last = m;
    if (m[0] === "") regex.lastIndex++;
  }
  if (!last) return null;
  let answer = (last[1] ?? last[0]).trim();
  if (!pattern) answer = answer.replace(/^\*+|\*+$/g, "").replace(/\.$/, "").trim();
  return answer === "" ? null : answer;
}

/** Compile a user's extraction pattern (global), with a clear error when it is not a valid regex. */
export function compilePattern(source: string, where: string): RegExp {
  try {
    return new RegExp(source, "g");
  } catch (error) {
    throw new UserError(`invalid regular expression: ${(error as Error).message}`, { location: where, code: "E_SUITE" });
  }
}
