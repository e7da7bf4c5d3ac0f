import { describe, expect, it } from "vitest";
import { atLeastK, majorityVote, meanReducer, passAtK, passAtKOfSamples } from "../../src/stats/reducers.ts";
import { seededRandom } from "../../src/stats/random.ts";
import { expectClose, loadFixture } from "./fixture.ts";

describe("passAtK equals the Codex numpy estimator and the exact rational to 1e-12", () => {
  for (const c of loadFixture("reducers.json")) {
    it(`pass@k(${c.args.join(", ")})`, () => {
      const got = passAtK(...(c.args as [number, number, number]));
      expectClose(got, c.expected, 1e-12);
      expectClose(got, c.exact, 1e-12);
    });
  }

  it("properties: pass@1 is c/n, monotone in k and c, within [0, 1]", () => {
    const r = seededRandom("pass-at-k");
    for (let t = 0; t < 300; t++) {
      const n = 1 + r.int(60);
      const c = r.int(n + 1);
      expect(passAtK(n, c, 1)).toBeCloseTo(c / n, 12);
      let prev = -1;
      for (let k = 1; k <= n; k++) {
        const v = passAtK(n, c, k);
        expect(v).toBeGreaterThanOrEqual(prev - 1e-15);
        expect(v >= 0 && v <= 1).toBe(true);
        if (c < n) expect(passAtK(n, c + 1, k)).toBeGreaterThanOrEqual(v - 1e-15);
        prev = v;
      }
    }
  });

  it("rejects impossible arguments", () => {
    expect(() => passAtK(5, 6, 1)).toThrow(RangeError);
    expect(() => passAtK(5, 1, 6)).toThrow(RangeError);
    expect(() => passAtK(5, 1, 0)).toThrow(RangeError);
  });
});

describe("reducers", () => {
  it("mean, with NaN for no samples", () => {
    expect(meanReducer([1, 0, 1, 1])).toBe(0.75);
    expect(meanReducer([])).toBeNaN();
  });

  it("majority vote breaks ties by first appearance", () => {
    expect(majorityVote(["B", "A", "A", "B"])).toBe("B");
    expect(majorityVote(["A", "B", "B"])).toBe("B");
    expect(majorityVote([3, 1, 2])).toBe(3);
    expect(majorityVote([])).toBeUndefined();
  });

  it("pass@k of samples and at-least-k", () => {
    expect(passAtKOfSamples([true, false, false], 2)).toBeCloseTo(2 / 3, 15);
    expect(atLeastK([true, false, true], 2)).toBe(1);
    expect(atLeastK([true, false, false], 2)).toBe(0);
    expect(atLeastK([], 0)).toBe(1);
  });
});
