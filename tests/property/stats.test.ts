// Invariants of src/stats that hold for any input (fast-check, fixed seed in seed.ts): intervals
// contain their estimates, agreement is perfect on identical ratings, correlations are bounded,
// pass@k is monotone, and seeded or order-free computations give identical results.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cohenKappa, kendallTau, krippendorffAlpha, spearman } from "../../src/stats/agreement.ts";
import { bootstrapCorpus, bootstrapMean, bootstrapMedian } from "../../src/stats/bootstrap.ts";
import { bradleyTerry, bradleyTerryBootstrap, type PairwiseJudgment } from "../../src/stats/bradley-terry.ts";
import { tInterval, wilsonInterval } from "../../src/stats/intervals.ts";
import { pairedBootstrap } from "../../src/stats/paired.ts";
import { passAtK } from "../../src/stats/reducers.ts";
import "./seed.ts";

const confidence = fc.constantFrom(0.5, 0.8, 0.9, 0.95, 0.99);
const finite = fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true });
/** Sort keys that permute an array deterministically. */
const permute = <T>(items: readonly T[], keys: readonly number[]) =>
  items
    .map((x, i) => [keys[i % keys.length] ?? 0, i, x] as const)
    .sort((a, b) => a[0] - b[0] || a[1] - b[1])
    .map((t) => t[2]);

describe("intervals", () => {
  it("Wilson contains the proportion and lies in [0, 1]", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.double({ min: 0, max: 1, noNaN: true }), confidence, (n, frac, conf) => {
        const k = Math.round(frac * n);
        const [lo, hi] = wilsonInterval(k, n, conf);
        expect(lo).toBeGreaterThanOrEqual(0);
        expect(hi).toBeLessThanOrEqual(1);
        expect(lo).toBeLessThanOrEqual(k / n);
        expect(hi).toBeGreaterThanOrEqual(k / n);
      }),
      { numRuns: 1000 },
    );
  });
  it("t contains the mean (n >= 2)", () => {
    fc.assert(
      fc.property(fc.array(finite, { minLength: 2, maxLength: 50 }), confidence, (xs, conf) => {
        const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
        const [lo, hi] = tInterval(xs, conf);
        expect(lo).toBeLessThanOrEqual(mean);
        expect(hi).toBeGreaterThanOrEqual(mean);
      }),
    );
  });
});

describe("agreement", () => {
  const ratings = fc.array(fc.constantFrom(1, 2, 3, 4, 5), { minLength: 2, maxLength: 40 });
  it("Cohen's kappa is 1 on identical ratings with at least two categories (all weightings)", () => {
    fc.assert(
      fc.property(
        ratings,
        fc.constantFrom("none", "linear", "quadratic") as fc.Arbitrary<"none" | "linear" | "quadratic">,
        (r, weights) => {
          fc.pre(new Set(r).size >= 2);
          expect(cohenKappa(r, [...r], { weights })).toBe(1);
        },
      ),
    );
  });
  it("Krippendorff's alpha is 1 on perfect agreement (missing ratings allowed; every level)", () => {
    const unit = fc.tuple(fc.constantFrom(1, 2, 3, 4), fc.array(fc.boolean(), { minLength: 2, maxLength: 5 }));
    fc.assert(
      fc.property(
        fc.array(unit, { minLength: 2, maxLength: 20 }),
        fc.constantFrom("nominal", "ordinal", "interval", "ratio") as fc.Arbitrary<"nominal" | "ordinal" | "interval" | "ratio">,
        (units, level) => {
          // Each unit: one true value, rated by a random subset of raters (at least two, so it is pairable).
          const raters = Math.max(...units.map((u) => u[1].length));
          const present = units.map(([, mask]) => (mask.filter(Boolean).length >= 2 ? mask : mask.map(() => true)));
          fc.pre(new Set(units.map((u) => u[0])).size >= 2);
          const data = Array.from({ length: raters }, (_, r) => units.map(([value], u) => (present[u][r] ? value : null)));
          expect(krippendorffAlpha(data, level)).toBe(1);
        },
      ),
    );
  });
  it("Spearman and Kendall are in [-1, 1], and 1 on identical non-constant rankings", () => {
    const xs = fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 3, maxLength: 30 });
    fc.assert(
      fc.property(xs, xs, (x, yRaw) => {
        const y = x.map((_, i) => yRaw[i % yRaw.length]);
        fc.pre(new Set(x).size >= 2);
        for (const c of [spearman(x, y).statistic, kendallTau(x, y).statistic]) {
          if (!Number.isNaN(c)) {
            expect(c).toBeGreaterThanOrEqual(-1);
            expect(c).toBeLessThanOrEqual(1);
          }
        }
        expect(spearman(x, [...x]).statistic).toBeCloseTo(1, 12);
        // tau-b = (con - dis) / sqrt(tot - xtie) / sqrt(tot - ytie), as scipy computes it, can land one
        // ulp below 1 (x = [0, 0, 1]: 2 / sqrt(2) / sqrt(2); five distinct values: 10 / sqrt(10) / sqrt(10)).
        expect(kendallTau(x, [...x]).statistic).toBeCloseTo(1, 12);
        expect(
          spearman(
            x,
            x.map((v) => 10 * v + 3),
          ).statistic,
        ).toBeCloseTo(1, 12);
      }),
    );
  });
});

describe("pass@k", () => {
  const nck = fc
    .integer({ min: 1, max: 200 })
    .chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n }), fc.integer({ min: 1, max: n })));
  it("is in [0, 1], non-decreasing in k and in c", () => {
    fc.assert(
      fc.property(nck, ([n, c, k]) => {
        const p = passAtK(n, c, k);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
        if (k < n) expect(passAtK(n, c, k + 1)).toBeGreaterThanOrEqual(p);
        if (c < n) expect(passAtK(n, c + 1, k)).toBeGreaterThanOrEqual(p);
        if (c === 0) expect(p).toBe(0);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("seeded and order-free computations", () => {
  const values = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 30 });
  it("bootstraps give identical results for the same seed", () => {
    fc.assert(
      fc.property(values, values, fc.oneof(fc.integer(), fc.string()), (a, bRaw, seed) => {
        const b = a.map((_, i) => bRaw[i % bRaw.length]);
        const opts = { seed, iterations: 50 };
        expect(bootstrapMean(a, opts)).toEqual(bootstrapMean(a, opts));
        expect(bootstrapMedian(a, opts)).toEqual(bootstrapMedian(a, opts));
        const stats = a.map((x, i) => [x, b[i]]);
        expect(bootstrapCorpus(stats, ([s, t]) => s - t, opts)).toEqual(bootstrapCorpus(stats, ([s, t]) => s - t, opts));
        expect(pairedBootstrap(a, b, opts)).toEqual(pairedBootstrap(a, b, opts));
      }),
      { numRuns: 100 },
    );
  });

  const judgment = fc
    .record({
      a: fc.constantFrom("m1", "m2", "m3", "m4"),
      b: fc.constantFrom("m1", "m2", "m3", "m4"),
      winner: fc.constantFrom("a", "b", "tie") as fc.Arbitrary<"a" | "b" | "tie">,
    })
    .filter((j) => j.a !== j.b);
  it("Bradley-Terry ratings do not depend on the order of judgments", () => {
    fc.assert(
      fc.property(
        fc.array(judgment, { minLength: 1, maxLength: 40 }),
        fc.array(fc.double({ noNaN: true }), { minLength: 1 }),
        (js: PairwiseJudgment[], keys) => {
          const options = { prior: 1 };
          expect(bradleyTerry(permute(js, keys), options)).toEqual(bradleyTerry(js, options));
        },
      ),
    );
  });
  it("Bradley-Terry bootstrap intervals are identical for the same seed", () => {
    fc.assert(
      fc.property(fc.array(judgment, { minLength: 1, maxLength: 20 }), fc.integer(), (js: PairwiseJudgment[], seed) => {
        const options = { prior: 1, seed, iterations: 30 };
        expect(bradleyTerryBootstrap(js, options)).toEqual(bradleyTerryBootstrap(js, options));
      }),
      { numRuns: 50 },
    );
  });
});
