// CSV cells (RFC 4180, formula injection defused) and terminal text (escaped, cut).
import { describe, expect, it } from "vitest";
import { csvCell, csvRecord } from "../../src/report/csv.ts";
import { cutText, terminalText } from "../../src/report/terminal-text.ts";

describe("csv", () => {
  it("quotes what RFC 4180 requires and doubles quotes", () => {
    expect(csvRecord(["plain", "a,b", 'say "x"', "two\nlines", "cr\r", "", null, undefined])).toBe(
      'plain,"a,b","say ""x""","two\nlines","cr\r",,,\r\n',
    );
  });

  it("prefixes text that a spreadsheet would run as a formula, but not numbers", () => {
    expect(["=1+1", "+1", "-5", "@SUM(A1)", "\tx", "\rx", "a=b", "5-3"].map(csvCell)).toEqual([
      "'=1+1",
      "'+1",
      "'-5",
      "'@SUM(A1)",
      "'\tx",
      '"\'\rx"',
      "a=b",
      "5-3",
    ]);
    expect([-5, 0.25, true].map(csvCell)).toEqual(["-5", "0.25", "true"]);
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
  });
});

describe("terminal text", () => {
  it("escapes controls and bidirectional overrides, keeps newlines and tabs", () => {
    expect(terminalText("a\u001b[31mred\u0007\tb\nc\u202ed\u2066\r")).toBe("a\\x1b[31mred\\x07\tb\nc\\u202ed\\u2066\\x0d");
  });

  it("cuts by code points and lines, saying how much was left out", () => {
    expect(cutText("short", { maxChars: 10, maxLines: 3 })).toBe("short");
    expect(cutText("😀😀😀😀", { maxChars: 2, maxLines: 3 })).toBe("😀😀 … [2 more characters]");
    expect(cutText("1\n2\n3\n4", { maxChars: 100, maxLines: 2 })).toBe("1\n2\n… [2 more lines, 3 more characters]");
    expect(cutText("one line only", { maxChars: 3, maxLines: 1 })).toBe("one … [10 more characters]");
  });
});
