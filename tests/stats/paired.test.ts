import { describe, expect, it } from "vitest";
import { percentileSummary } from "../../src/stats/bootstrap.ts";
import {
  bootstrapPValue,
  mcnemar,
  mcnemarFromCounts,
  mcnemarMinimumDetectableEffect,
  minimumDetectableEffect,
  pairedBootstrap,
  pairedBootstrapCorpus,
  pairedRandomizationPValue,
  pairedTTest,
  tangoInterval,
} from "../../src/stats/paired.ts";
import { seededRandom } from "../../src/stats/random.ts";
import { expectClose, loadFixture } from "./fixture.ts";

const cases = loadFixture("paired.json");

describe("paired tests match statsmodels / scipy / the Tango, Connor and randomization oracles to 1e-9", () => {
  it("the fixture has every kind of case", () => {
    const kinds = new Set(cases.map((c) => c.fn));
    expect([...kinds].sort()).toEqual([
      "bootstrapPValue",
      "mcnemarFromCounts",
      "pairedRandomizationMean",
      "pairedRandomizationRatio",
      "pairedTTest",
      "percentileInterval",
      "tangoInterval",
    ]);
  });
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
        case "tangoInterval":
          return expectClose(tangoInterval(...(c.args as [number, number, number, number])), c.expected);
        case "pairedRandomizationMean": {
          const [a, b] = c.args as [number[], number[]];
          return expectClose(
            pairedRandomizationPValue(
              a.map((x) => [x, 1]),
              b.map((x) => [x, 1]),
              ([s, k]) => s / k,
            ),
            c.expected,
          );
        }
        case "pairedRandomizationRatio": {
          const [a, b] = c.args as [number[][], number[][]];
          return expectClose(
            pairedRandomizationPValue(a, b, ([s, k]) => s / k),
            c.expected,
          );
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

describe("degenerate paired inputs get honest intervals and MDEs", () => {
  it("4 pairs, all discordant for B: a wide bounded interval, p = 0.125, no detectable effect", () => {
    const r = mcnemarFromCounts(4, 0, 4);
    expect(r.difference).toBe(1);
    expect(r.pValue).toBeCloseTo(0.125, 12);
    expect(r.interval[1]).toBe(1);
    expect(r.interval[0]).toBeLessThan(0.05); // the Wald interval was [1, 1]
    // The exact test cannot reach p < 0.05 with 4 pairs, whatever the difference.
    expect(r.minimumDetectableEffect).toBe(Infinity);
    expect(mcnemarFromCounts(2, 0, 2).minimumDetectableEffect).toBe(Infinity);
    expect(mcnemarFromCounts(5, 0, 5).minimumDetectableEffect).toBe(Infinity);
    expect(mcnemarFromCounts(6, 0, 6).minimumDetectableEffect).toBeLessThan(1);
  });
  it("no discordant pair: the interval keeps a width and the MDE is not 0", () => {
    const r = mcnemarFromCounts(30, 0, 0);
    expect(r.interval[0]).toBeCloseTo(-(1.959963984540054 ** 2) / (30 + 1.959963984540054 ** 2), 9);
    expect(r.interval[1]).toBeCloseTo(1.959963984540054 ** 2 / (30 + 1.959963984540054 ** 2), 9);
    expect(r.minimumDetectableEffect).toBeGreaterThan(0.2);
  });
  it("Tango's interval lies in [-1, 1] and contains the estimate for every table up to 30 pairs", () => {
    for (let n = 1; n <= 30; n++) {
      for (let onlyA = 0; onlyA <= n; onlyA++) {
        for (let onlyB = 0; onlyA + onlyB <= n; onlyB++) {
          const [lo, hi] = tangoInterval(n, onlyA, onlyB);
          const d = (onlyB - onlyA) / n;
          expect(lo).toBeGreaterThanOrEqual(-1);
          expect(hi).toBeLessThanOrEqual(1);
          expect(lo).toBeLessThanOrEqual(d);
          expect(hi).toBeGreaterThanOrEqual(d);
          expect(hi - lo).toBeGreaterThan(0);
        }
      }
    }
  });
  it("the McNemar MDE falls as pairs are added and rises with discordance", () => {
    expect(mcnemarMinimumDetectableEffect(100, 20)).toBeLessThan(mcnemarMinimumDetectableEffect(50, 10));
    expect(mcnemarMinimumDetectableEffect(100, 40)).toBeGreaterThan(mcnemarMinimumDetectableEffect(100, 10));
  });
  it("scores: identical runs have no estimable MDE (not 0); 2 items get a large one", () => {
    const same = pairedBootstrap([0.2, 0.5, 0.7], [0.2, 0.5, 0.7], { seed: 1, iterations: 200 });
    expect(same.pValue).toBe(1);
    expect(same.minimumDetectableEffect).toBeNaN();
    const two = pairedBootstrap([0.2, 0.4], [0.5, 0.9], { seed: 1, iterations: 200 });
    // (t_{0.975,1} + t_{0.8,1}) * 0.1 = (12.706 + 1.376) * 0.1
    expect(two.minimumDetectableEffect).toBeCloseTo(1.4082, 3);
    expect(two.test).toBe("paired-permutation");
    expect(two.pValue).toBe(0.5);
  });
  it("scores: every item better by the same amount is not significant with 4 items", () => {
    const r = pairedBootstrap([0.1, 0.2, 0.3, 0.4], [0.6, 0.7, 0.8, 0.9], { seed: 1, iterations: 1000 });
    expect(r.pValue).toBe(0.125); // the bootstrap test said 1/1001
    expect(r.minimumDetectableEffect).toBeNaN();
    const corpus = pairedBootstrapCorpus(
      [
        [1, 2],
        [1, 2],
      ],
      [
        [2, 2],
        [2, 2],
      ],
      ([c, t]) => c / t,
      { seed: 2, iterations: 100 },
    );
    expect(corpus.pValue).toBe(0.5);
    expect(corpus.test).toBe("paired-permutation");
    const many = Array.from({ length: 40 }, (_, i) => (i % 7) / 10);
    expect(
      pairedBootstrap(
        many,
        many.map((x, i) => x + (i % 3) / 20),
        { seed: 1, iterations: 100 },
      ).test,
    ).toBe("paired-bootstrap");
  });
});
