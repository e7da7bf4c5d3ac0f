// The Porter stemmer against NLTK's PorterStemmer (NLTK_EXTENSIONS) on every word of the list.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { porterStem } from "../../../src/score/metrics/porter-stemmer.ts";

const lines = readFileSync(new URL("../../fixtures/conformance/porter.tsv", import.meta.url), "utf8")
  .split("\n")
  .filter((l) => l !== "" && !l.startsWith("#"));

describe("porterStem matches NLTK", () => {
  it(`all ${lines.length} words`, () => {
    const mismatches: string[] = [];
    for (const line of lines) {
      const [word, stem] = line.split("\t");
      const got = porterStem(word);
      if (got !== stem) mismatches.push(`${word}: expected ${stem}, got ${got}`);
    }
    expect(mismatches.slice(0, 20)).toEqual([]);
    expect(mismatches.length).toBe(0);
  });

  it("differs from Martin Porter's variant where NLTK does", () => {
    expect(porterStem("generously")).toBe("gener");
    expect(porterStem("dying")).toBe("die");
    expect(porterStem("skies")).toBe("sky");
  });
});
