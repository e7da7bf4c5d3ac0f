import { describe, expect, it } from "vitest";
import { percentileSummary } from "../../src/stats/bootstrap.ts";
import { bootstrapPValue, mcnemar, mcnemarFromCounts, minimumDetectableEffect, pairedBootstrap, pairedTTest } from "../../src/stats/paired.ts";
import { seededRandom } from "../../src/stats/random.ts";
import { expectClose, loadFixture } from "./fixture.ts";

const cases = loadFixture("paired.json");

describe("paired tests match statsmodels / scipy to 1e-9", () => {
  for (const c of cases) {
    it(`${c.fn}(${JSON.stringify(c.args).slice(0, 60)})`, () => {
      const expected = c.expected as Record<string, unknown>;
      switch (c.fn) {
        case "mcnemarFromCounts":
          return expectClose(mcnemarFromCounts(...(c.args as [number, number, number, object])), expected);
        case "pairedTTest": {
          const got = pairedTTest(...(c.args as [number[], number[], { confidence: number }]));
          const { interval, ...rest } = expected;
          expectClose(got, rest);
          // scipy 1.10's t.ppf is good to ~1e-8 only (see the fixture README).
          return expectClose(got.interval, interval, 1e-7);
        }
        case "bootstrapPValue":
          return expectClose(bootstrapPValue(...(c.args as [number[], number])), c.expected);
        case "percentileInterval": {
          const [reps, conf] = c.args as [number[], number];
          const s = percentileSummary(0, Float64Array.from(reps), conf);
          expectClose(s.interval, c.expected);
          return expectClose(s.standardError, c.sd);
        }
      }
      throw new Error(c.fn);
    });
  }
});

describe("paired comparisons", () => {
  it("mcnemar counts discordant pairs, b minus a", () => {
    const a = [true, true, false, false, true];
    const b = [true, false, true, true, true];
    const r = mcnemar(a, b);
    expect([r.onlyA, r.onlyB, r.n, r.test]).toEqual([1, 2, 5, "mcnemar-exact"]);
    expect(r.difference).toBeCloseTo(0.2, 15);
    expect(() => mcnemar([true], [])).toThrow(RangeError);
  });

  it("auto switches to chi-square at 25 discordant pairs", () => {
    expect(mcnemarFromCounts(100, 13, 12).test).toBe("mcnemar-chi2");
    expect(mcnemarFromCounts(100, 12, 12).test).toBe("mcnemar-exact");
  });

  it("MDE at 80% power, alpha 0.05 is 2.8016 standard errors", () => {
    expect(minimumDetectableEffect(1)).toBeCloseTo(2.801585218, 8);
  });

  it("paired bootstrap: seeded bytes, interval contains the difference, agrees with paired t", () => {
    const r = seededRandom("paired");
    const a = Array.from({ length: 300 }, () => r.next());
    const b = a.map((x) => x + 0.05 + (r.next() - 0.5) * 0.2);
    const one = pairedBootstrap(a, b, { seed: 3, iterations: 2000 });
    const two = pairedBootstrap(a, b, { seed: 3, iterations: 2000 });
    expect(JSON.stringify(one)).toBe(JSON.stringify(two));
    expect(one.interval[0]).toBeLessThanOrEqual(one.difference);
    expect(one.interval[1]).toBeGreaterThanOrEqual(one.difference);
    const t = pairedTTest(a, b);
    expect(one.difference).toBeCloseTo(t.difference, 12);
    expect(Math.abs(one.standardError - t.standardError) / t.standardError).toBeLessThan(0.1);
    expect(one.pValue).toBeLessThan(0.01);
    expect(pairedBootstrap(a, a, { seed: 1, iterations: 200 }).pValue).toBe(1);
  });
});
