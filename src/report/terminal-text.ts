// Untrusted text (prompts, model outputs, dataset fields) shown in a terminal: escape what
// could drive or disguise it, keep line breaks, and cut long text with a note.

/**
 * C0/C1 control characters except newline and tab (escape sequences, carriage returns that
 * overwrite a line), and Unicode bidirectional overrides and isolates (which reorder what is
 * shown, "Trojan Source"), as visible escapes.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is this expression's job
const unsafe = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Multi-line untrusted text made safe to print: see `unsafe`; line breaks and tabs kept. */
export function terminalText(text: string): string {
  return text.replace(unsafe, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

/**
 * `text` cut to at most `maxChars` code points and `maxLines` lines, ending with a note of
 * how much was left out; shorter text is returned as it is.
 * @example cutText("a\nb\nc", { maxChars: 100, maxLines: 2 }) === "a\nb\n… [1 more line, 1 more character]"
 */
export function cutText(text: string, limits: { maxChars: number; maxLines: number }): string {
  const chars = [...text];
  let end = Math.min(chars.length, limits.maxChars);
  let lines = 0;
  for (let i = 0; i < end; i++) {
    if (chars[i] === "\n" && ++lines >= limits.maxLines) {
      end = i + 1;
      break;
    }
  }
  if (end >= chars.length) return text;
  const lineCount = (cs: string[]) => cs.filter((c) => c === "\n").length + (cs.length && cs[cs.length - 1] !== "\n" ? 1 : 0);
  const shown = chars.slice(0, end);
  const moreLines = lineCount(chars) - lineCount(shown);
  const moreChars = chars.length - end;
  const parts = [
    moreLines > 0 ? `${moreLines} more line${moreLines === 1 ? "" : "s"}` : "",
    `${moreChars} more character${moreChars === 1 ? "" : "s"}`,
  ].filter(Boolean);
  return `${shown.join("")}${shown[end - 1] === "\n" ? "" : " "}… [${parts.join(", ")}]`;
}
