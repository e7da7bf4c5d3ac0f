// Python str semantics the metric ports rely on.
import { describe, expect, it } from "vitest";
import { codePointLength, pyFixed, pyRstrip, pySplit } from "../../../src/score/metrics/python-text.ts";

describe("python-text", () => {
  it("formats like Python's %.Nf (half to even on exact ties)", () => {
    expect(pyFixed(0.125, 2)).toBe("0.12");
    expect(pyFixed(0.375, 2)).toBe("0.38");
    expect(pyFixed(2.5, 0)).toBe("2");
    expect(pyFixed(3.5, 0)).toBe("4");
    expect(pyFixed(48.525, 2)).toBe((48.525).toFixed(2)); // not an exact tie in binary
    expect(pyFixed(100, 1)).toBe("100.0");
  });
  it("splits and strips on Python's whitespace, not JavaScript's", () => {
    expect(pySplit("a\u001cb\u0085c\ufeffd")).toEqual(["a", "b", "c\ufeffd"]);
    expect(pyRstrip("x \u3000\n")).toBe("x");
    expect(pySplit("  ")).toEqual([]);
  });
  it("counts code points", () => {
    expect(codePointLength("😀a")).toBe(2);
  });
});
