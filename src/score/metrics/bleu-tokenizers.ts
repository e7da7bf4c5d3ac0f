// sacrebleu's BLEU tokenizers (13a, intl, char, none) and segment preprocessing; 13a runs as
// one scan that reproduces its regex passes. Reference: sacrebleu 2.6.0,
// sacrebleu/tokenizers/tokenizer_{13a,re,intl,char,none}.py, metrics/bleu.py.

import type { BleuTokenizer } from "./bleu.ts";
import { pyRstrip, pySplit } from "./python-text.ts";

const RE_INTL: [RegExp, string][] = [
  [/(\P{N})(\p{P})/gu, "$1 $2 "],
  [/(\p{P})(\P{N})/gu, " $1 $2"],
  [/(\p{S})/gu, " $1 "],
];

function applyRules(line: string, rules: [RegExp, string][]): string {
  for (const [re, repl] of rules) line = line.replace(re, repl);
  return pySplit(line).join(" ");
}

/** Python's `str.isspace()` for one UTF-16 unit (every Python white space character is in the BMP). */
function isPyWhitespace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
  if (c < 0x85) return false;
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** Characters of 13a's first rule `[\{-\~\[-\` -\&\(-\+\:-\@\/]`, which it surrounds with spaces. */
function isSplit13a(c: number): boolean {
  return (
    (c >= 0x7b && c <= 0x7e) ||
    (c >= 0x5b && c <= 0x60) ||
    (c >= 0x20 && c <= 0x26) ||
    (c >= 0x28 && c <= 0x2b) ||
    (c >= 0x3a && c <= 0x40) ||
    c === 0x2f
  );
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isPeriodComma = (c: number) => c === 0x2e || c === 0x2c;
const COMMA = 0x2c;

let scratch = new Uint8Array(256);

/**
 * The tokens of sacrebleu's 13a tokenizer in one scan, without its four regex passes. The
 * passes only insert spaces, so each character is either white space (a separator), split
 * off on both sides, or glued to its neighbours:
 *  1. `[\{-\~\[-\` -\&\(-\+\:-\@\/]` -> ` \1 `: these characters are split off.
 *  2. `([^0-9])([\.,])` -> `\1 \2 ` (non-overlapping, left to right): a `.`/`,` after a
 *     non-digit is split off, unless that non-digit is itself a `.`/`,` consumed by the
 *     previous match (a character split off by pass 1 leaves a space before it: a non-digit).
 *  3. `([\.,])([^0-9])` -> ` \1 \2`, on pass 2's output: a `.`/`,` followed by a non-digit
 *     (or a space inserted by pass 1 or 2) is split off, unless the previous match consumed it
 *     (the character right before it, with no space between, is a `.`/`,` matched by pass 3).
 *  4. `([0-9])(-)` -> `\1 \2 `: a `-` after a digit is split off (passes 2-3 only touch `.`/`,`).
 * `tests/property/bleu-tokenizer.test.ts` checks this against the regex passes on random text.
 */
function scan13a(line: string): string[] {
  const len = line.length;
  if (scratch.length < len + 1) scratch = new Uint8Array(2 * len + 2);
  // flags[k]: 1 = split off by pass 2, 2 = split off by pass 3.
  const flags = scratch;
  let hasPeriodComma = false;
  for (let k = 0; k < len; k++) {
    const c = line.charCodeAt(k);
    flags[k] = 0;
    if (isPeriodComma(c)) {
      hasPeriodComma = true;
      const prev = k === 0 ? 0x20 : line.charCodeAt(k - 1);
      if (!isDigit(prev) && !(k > 0 && flags[k - 1] === 1)) flags[k] = 1;
    }
  }
  if (hasPeriodComma) {
    for (let k = 0; k < len; k++) {
      const c = line.charCodeAt(k);
      if (!isPeriodComma(c) || flags[k] === 1) continue;
      // The character after it in pass 2's output: a space if pass 1 or 2 put one there.
      const next = k + 1 < len ? line.charCodeAt(k + 1) : 0x20;
      const nextIsSpace = isSplit13a(next) || (k + 1 < len && flags[k + 1] === 1);
      if (!nextIsSpace && isDigit(next)) continue;
      // Consumed as the second character of the previous pass-3 match? (Cannot happen after
      // pass 2, which splits off one of any two adjacent `.`/`,`; kept to mirror the regex.)
      if (k > 0 && isPeriodComma(line.charCodeAt(k - 1)) && flags[k - 1] === 2) continue;
      flags[k] = 2;
    }
  }
  const tokens: string[] = [];
  let start = -1;
  for (let k = 0; k < len; k++) {
    const c = line.charCodeAt(k);
    let alone: boolean;
    if (c < 0x80) {
      if (c === 0x20 || isPyWhitespace(c)) {
        if (start >= 0) tokens.push(line.slice(start, k));
        start = -1;
        continue;
      }
      alone = isSplit13a(c) || (c >= COMMA && c <= 0x2e && (c === 0x2d ? k > 0 && isDigit(line.charCodeAt(k - 1)) : flags[k] !== 0));
    } else {
      if (isPyWhitespace(c)) {
        if (start >= 0) tokens.push(line.slice(start, k));
        start = -1;
        continue;
      }
      alone = false;
    }
    if (alone) {
      if (start >= 0) tokens.push(line.slice(start, k));
      tokens.push(line[k]);
      start = -1;
    } else if (start < 0) {
      start = k;
    }
  }
  if (start >= 0) tokens.push(line.slice(start));
  return tokens;
}

/** sacrebleu's 13a preprocessing before the regex passes (mteval-v13a's `<skipped>`, line joins, entities). */
function unescape13a(line: string): string {
  if (line.includes("<skipped>")) line = line.split("<skipped>").join("");
  if (line.includes("\n")) line = line.split("-\n").join("").split("\n").join(" ");
  if (line.includes("&")) {
    line = line.split("&quot;").join('"').split("&amp;").join("&").split("&lt;").join("<").split("&gt;").join(">");
  }
  return line;
}

/** The 13a tokens of a line (sacrebleu `Tokenizer13a()(line).split()`). */
export function tokens13a(line: string): string[] {
  return scan13a(unescape13a(line));
}

/** sacrebleu's `13a` tokenizer (mteval-v13a): splits punctuation, keeps 1,000.5 together. */
export function tokenize13a(line: string): string {
  return tokens13a(line).join(" ");
}

/** sacrebleu's `intl` tokenizer (mteval-v14 international): Unicode punctuation and symbols. */
export function tokenizeIntl(line: string): string {
  return applyRules(line, RE_INTL);
}

/** sacrebleu's `char` tokenizer: every code point is a token. */
export function tokenizeChar(line: string): string {
  return Array.from(line).join(" ");
}

const TOKENIZER_FUNCTIONS: Record<BleuTokenizer, (line: string) => string> = {
  "13a": tokenize13a,
  none: (line) => line,
  intl: tokenizeIntl,
  char: tokenizeChar,
};

/** sacrebleu `_preprocess_segment`, then `.split()`: optional lower-casing, tokenize the right-stripped line. */
export function segmentTokens(line: string, lowercase: boolean, tokenize: BleuTokenizer): string[] {
  if (lowercase) line = line.toLowerCase();
  if (line.length > 0 && isPyWhitespace(line.charCodeAt(line.length - 1))) line = pyRstrip(line);
  if (tokenize === "13a") return tokens13a(line);
  return pySplit(TOKENIZER_FUNCTIONS[tokenize](line));
}
