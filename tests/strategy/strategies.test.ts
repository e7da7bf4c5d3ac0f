import { describe, expect, it } from "vitest";
import { strategies } from "../../src/strategy/index.ts";
import { finalAnswer } from "../../src/strategy/extract.ts";
import { compileTemplate } from "../../src/template/env.ts";
import type { Item } from "../../src/suite/types.ts";
import type { RenderContext } from "../../src/strategy/types.ts";

const item = (key: string, a: number, b: number): Item => ({
  key,
  fields: { a, b, answer: String(a + b), why: `${a}+${b}` },
  location: key,
});
const pool = Array.from({ length: 10 }, (_, i) => item(`e${i}`, i, 10 * i));
const context = (seed: number): RenderContext => ({
  renderPrompt: compileTemplate("Q: {{a}} + {{b}}?\nA:"),
  targetsOf: (it) => [String(it.fields.answer)],
  exemplars: pool,
  seed,
});

describe("strategies", () => {
  it("zero-shot renders the task prompt alone", () => {
    expect(strategies["zero-shot"].render(item("1", 2, 3), context(0), {}).text).toBe("Q: 2 + 3?\nA:");
  });

  it("few-shot puts k exemplars with their targets before the item; first sampler takes the pool's head", () => {
    const text = strategies["few-shot"].render(item("1", 2, 3), context(0), { k: 2, sampler: "first" }).text;
    expect(text).toBe("Q: 0 + 0?\nA: 0\n\nQ: 1 + 10?\nA: 11\n\nQ: 2 + 3?\nA:");
  });

  it("few-shot random sampling is a function of the seed", () => {
    const render = (seed: number) => strategies["few-shot"].render(item("1", 2, 3), context(seed), { k: 3, sampler: "random" }).text;
    expect(render(5)).toBe(render(5));
    const distinct = new Set([1, 2, 3, 4, 5, 6].map(render));
    expect(distinct.size).toBeGreaterThan(1);
    expect(render(5).split("\n\n")).toHaveLength(4);
  });

  it("few-shot match takes demonstrations only from exemplars sharing the item's field", () => {
    const tagged = (key: string, a: number, rule: string): Item => ({ key, fields: { a, b: 0, answer: String(a), rule }, location: key });
    const mixed = [tagged("r1", 1, "x"), tagged("s1", 2, "y"), tagged("r2", 3, "x"), tagged("s2", 4, "y"), tagged("s3", 5, "y")];
    const ctx = (seed: number): RenderContext => ({ ...context(seed), exemplars: mixed });
    const query = tagged("q", 9, "y");
    for (const seed of [1, 2, 3, 4, 5]) {
      const shown = strategies["few-shot"].render(query, ctx(seed), { k: 2, sampler: "random", match: "rule" }).text;
      const firstOperands = [...shown.matchAll(/Q: (\d) \+/g)].map((m) => m[1]);
      expect(
        firstOperands.slice(0, 2).every((a) => ["2", "4", "5"].includes(a)),
        shown,
      ).toBe(true);
      expect(firstOperands[2]).toBe("9");
    }
    const first = strategies["few-shot"].render(tagged("q", 9, "x"), ctx(0), { k: 2, sampler: "first", match: "rule" }).text;
    expect(first).toBe("Q: 1 + 0?\nA: 1\n\nQ: 3 + 0?\nA: 3\n\nQ: 9 + 0?\nA:");
  });

  it("few-shot with a rationale field shows worked exemplars and extracts the final answer", () => {
    const s = strategies["few-shot"];
    const text = s.render(item("1", 2, 3), context(0), { k: 1, sampler: "first", rationale: "why" }).text;
    expect(text).toBe("Q: 0 + 0?\nA: 0+0 The answer is 0.\n\nQ: 2 + 3?\nA:");
    expect(s.extract(" 2+3 The answer is 5.", { k: 1, sampler: "first", rationale: "why" })).toBe("5");
  });

  it("chain-of-thought asks for steps and extracts the last stated answer", () => {
    const s = strategies["chain-of-thought"];
    expect(s.render(item("1", 2, 3), context(0), {}).text).toBe("Q: 2 + 3?\nA: Let's think step by step.");
    expect(s.extract("maybe the answer is 4. No: the answer is **5**.", {})).toBe("5");
    expect(s.extract("First 2, then 3.\nANSWER: 5", {})).toBe("5");
    expect(s.extract("I am not sure", {})).toBeNull();
    expect(s.extract("result=41; result=42", { pattern: "result=(\\d+)" })).toBe("42");
  });

  it("finalAnswer keeps answers with inner periods", () => {
    expect(finalAnswer("so the answer is 3.14.")).toBe("3.14");
  });

  it("self-consistency samples k chain-of-thought outputs and takes the majority", () => {
    const s = strategies["self-consistency"];
    expect(s.generationsPerTrial({ samples: 5 })).toBe(5);
    expect(s.defaultGeneration?.temperature).toBeGreaterThan(0);
    expect(s.reduce!(["4", null, "5", "5", "4", "5"])).toBe(2);
    expect(s.reduce!(["7", "8"])).toBe(0);
    expect(s.reduce!([null, null])).toBe(0);
  });
});
