// The one-scan 13a tokenizer in bleu.ts against sacrebleu's four regex passes, transcribed
// here as the oracle (sacrebleu 2.6.0 tokenizers/tokenizer_13a.py and tokenizer_re.py), on
// random text dense in the characters the passes treat specially.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { tokenize13a } from "../../src/score/metrics/bleu.ts";
import { pySplit } from "../../src/score/metrics/python-text.ts";
import "./seed.ts";

function regex13a(line: string): string {
  line = line.split("<skipped>").join("").split("-\n").join("").split("\n").join(" ");
  if (line.includes("&")) {
    line = line.split("&quot;").join('"').split("&amp;").join("&").split("&lt;").join("<").split("&gt;").join(">");
  }
  line = ` ${line} `;
  line = line.replace(/([{-~[-` -&(-+:-@/])/g, " $1 ");
  line = line.replace(/([^0-9])([.,])/gu, "$1 $2 ");
  line = line.replace(/([.,])([^0-9])/gu, " $1 $2");
  line = line.replace(/([0-9])(-)/g, "$1 $2 ");
  return pySplit(line).join(" ");
}

const tricky = fc.constantFrom(
  ".",
  ",",
  "-",
  "0",
  "1",
  "9",
  "a",
  "Z",
  " ",
  "'",
  "(",
  ")",
  "/",
  ":",
  "&",
  "&amp;",
  "&quot;",
  "&lt;",
  "<skipped>",
  "\n",
  "-\n",
  "\t",
  "\u00a0",
  "\u3000",
  "\u2028",
  "\u0085",
  "\u001c",
  "é",
  "東",
  "😀",
  "\u200b",
  "\ufeff",
  "$",
  "%",
  "~",
  "_",
  "`",
);
const trickyText = fc.array(tricky, { maxLength: 40 }).map((parts) => parts.join(""));

describe("13a tokenizer: one scan equals the regex passes", () => {
  it("on text built from the characters the passes treat specially", () => {
    fc.assert(
      fc.property(trickyText, (line) => {
        expect(tokenize13a(line)).toBe(regex13a(line));
      }),
      { numRuns: 3000 },
    );
  });
  it("on arbitrary Unicode strings", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 60 }), (line) => {
        expect(tokenize13a(line)).toBe(regex13a(line));
      }),
      { numRuns: 1000 },
    );
  });
  it("on printable ASCII", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary-ascii", maxLength: 60 }), (line) => {
        expect(tokenize13a(line)).toBe(regex13a(line));
      }),
      { numRuns: 2000 },
    );
  });
  it("on exhaustive three-character strings over . , - 0 a and space", () => {
    const alphabet = [".", ",", "-", "0", "a", " "];
    for (const x of alphabet)
      for (const y of alphabet)
        for (const z of alphabet)
          for (const w of alphabet) {
            const line = x + y + z + w;
            expect(tokenize13a(line)).toBe(regex13a(line));
          }
  });
});
