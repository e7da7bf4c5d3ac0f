// Answer extraction shared by the strategies.
import { UserError } from "../errors.ts";

/** The whole output, trimmed; null when empty. */
export function plainAnswer(output: string): string | null {
  const trimmed = output.trim();
  return trimmed === "" ? null : trimmed;
}

const finalAnswerMarker = /answer is\b[ \t]*:?|ANSWER:/gi;

/**
 * The last final-answer statement in a reasoning output: the text after the last
 * "answer is" or "ANSWER:" up to the end of its sentence or line, without markdown
 * emphasis or a trailing period. With `pattern` (a regular expression), the first
 * capture group (or the whole match) of its last match.
 */
export function finalAnswer(output: string, pattern?: RegExp): string | null {
  if (pattern) {
    const last = lastMatch(output, pattern);
    const answer = last ? (last[1] ?? last[0]).trim() : "";
    return answer === "" ? null : answer;
  }
  const marker = lastMatch(output, finalAnswerMarker);
  if (!marker) return null;
  let rest = output.slice(marker.index + marker[0].length).split("\n")[0];
  const sentenceEnd = rest.search(/\.(\s|$)/);
  if (sentenceEnd !== -1) rest = rest.slice(0, sentenceEnd);
  const answer = rest
    .trim()
    .replace(/^\*+|\*+$/g, "")
    .trim();
  return answer === "" ? null : answer;
}

function lastMatch(text: string, regex: RegExp): RegExpExecArray | null {
  let last: RegExpExecArray | null = null;
  regex.lastIndex = 0;
  for (let m = regex.exec(text); m !== null; m = regex.exec(text)) {
    last = m;
    if (m[0] === "") regex.lastIndex++;
  }
  return last;
}

const compiledPatterns = new Map<string, RegExp>();

/** Compile a user's extraction pattern (global; memoised), with a clear error when it is not a valid regex. */
export function compilePattern(source: string, where: string): RegExp {
  const known = compiledPatterns.get(source);
  if (known) return known;
  try {
    const regex = new RegExp(source, "g");
    compiledPatterns.set(source, regex);
    return regex;
  } catch (error) {
    throw new UserError(`invalid regular expression: ${(error as Error).message}`, { location: where, code: "E_SUITE" });
  }
}
