// exact-match with `normalize: number`: numbers by value (sign and decimal point kept),
// everything else by lower-cased text with white space collapsed. Expected values come from
// the same rule run in Python 3 (float() on the text without thousands separators; str.lower,
// str.split), see the commit adding this file.
import { describe, expect, it } from "vitest";
import { exactMatchScorer, numbersEqual, parseNumber } from "../../../src/score/metrics/exact-match.ts";

// [answer, reference, equal, Python's value of the answer (null: not a number)]
const cases: [string, string, boolean, number | null][] = [
  ["-5", "5", false, -5.0],
  ["5", "5", true, 5.0],
  [" 5\n", "5", true, 5.0],
  ["+5", "5", true, 5.0],
  ["\u22125", "-5", true, -5.0],
  ["1,000", "1000", true, 1000.0],
  ["1,000.50", "1000.5", true, 1000.5],
  ["1,00", "100", false, null],
  ["10,000,000", "1e7", true, 10000000.0],
  ["5.", "5", true, 5.0],
  [".5", "0.5", true, 0.5],
  ["0.1", "0.10", true, 0.1],
  ["-0", "0", true, -0.0],
  ["1e3", "1000", true, 1000.0],
  ["1E-2", "0.01", true, 0.01],
  ["1072", "1072.0", true, 1072.0],
  ["12,34", "1234", false, null],
  ["007", "7", true, 7.0],
  ["5 apples", "5", false, null],
  ["Five", "five", true, null],
  ["  The  Cat ", "the cat", true, null],
  ["0.1+0.2", "0.3", false, null],
  ["1e999", "2e999", true, Infinity],
  ["1.0000000000000001", "1", true, 1.0],
  ["9007199254740993", "9007199254740992", true, 9007199254740992.0],
  ["--5", "-5", false, null],
  ["5-", "-5", false, null],
  ["\uff11\uff12", "12", false, null],
  ["1_000", "1000", false, null],
  ["inf", "inf", true, null],
  ["$5", "5", false, null],
  ["-5", "-5.0", true, -5.0],
];

describe("exact-match normalize: number", () => {
  it("matches the reference rule on every case", () => {
    for (const [answer, reference, equal, value] of cases) {
      expect(numbersEqual(answer, reference), JSON.stringify([answer, reference])).toBe(equal);
      expect(parseNumber(answer), JSON.stringify(answer)).toBe(value);
    }
  });

  it("scores -5 against 5 as wrong, where the SQuAD normalisation scored it right", () => {
    const byNumber = exactMatchScorer({ normalize: "number" });
    const bySquad = exactMatchScorer({});
    const input = (answer: string) => ({ answer, output: answer, targets: ["5"], item: {} });
    expect(byNumber.score(input("-5"))).toEqual({ value: 0 });
    expect(bySquad.score(input("-5"))).toEqual({ value: 1 });
    expect(byNumber.score(input(" 5.0"))).toEqual({ value: 1 });
  });
});
