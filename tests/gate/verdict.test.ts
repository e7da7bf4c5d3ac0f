// The gate's verdict rules and the inversion of the MDE formulas into "items needed".
import { describe, expect, it } from "vitest";
import { pairedScores } from "../../src/gate/paired-row.ts";
import { decideVerdict, failsGate, itemsNeeded } from "../../src/gate/verdict.ts";
import { normalQuantile } from "../../src/stats/intervals.ts";
import { mcnemarMinimumDetectableEffect, tMinimumDetectableEffect } from "../../src/stats/paired.ts";

const t = { tolerance: 0.02 };

describe("decideVerdict", () => {
  it("decides from where the interval lies against -tolerance and +tolerance", () => {
    expect(decideVerdict({ ci: [-0.1, -0.021], mde: 0.05 }, t)).toBe("regression");
    expect(decideVerdict({ ci: [0.021, 0.1], mde: 0.05 }, t)).toBe("improvement");
    expect(decideVerdict({ ci: [-0.02, 0.3], mde: 0.05 }, t)).toBe("no-change");
    // A significant drop smaller than the tolerance is not a regression.
    expect(decideVerdict({ ci: [-0.019, -0.001], mde: 0.01 }, t)).toBe("no-change");
    // The interval reaches below -tolerance: too few items, or a change near the tolerance.
    expect(decideVerdict({ ci: [-0.05, 0.05], mde: 0.07 }, t)).toBe("underpowered");
    expect(decideVerdict({ ci: [-0.05, 0.05], mde: Number.NaN }, t)).toBe("underpowered");
    expect(decideVerdict({ ci: [-0.03, -0.01], mde: 0.015 }, t)).toBe("inconclusive");
  });

  it("flips the direction for lower-is-better metrics (perplexity)", () => {
    expect(decideVerdict({ ci: [0.5, 1.5], mde: 0.2 }, { tolerance: 0.1, lowerIsBetter: true })).toBe("regression");
    expect(decideVerdict({ ci: [-1.5, -0.5], mde: 0.2 }, { tolerance: 0.1, lowerIsBetter: true })).toBe("improvement");
    expect(decideVerdict({ ci: [-0.5, 0.05], mde: 0.2 }, { tolerance: 0.1, lowerIsBetter: true })).toBe("no-change");
  });

  it("fails the gate on regressions, and on undecided rows only when strict", () => {
    expect(failsGate("regression", false)).toBe(true);
    expect(failsGate("underpowered", false)).toBe(false);
    expect(failsGate("underpowered", true)).toBe(true);
    expect(failsGate("inconclusive", true)).toBe(true);
    expect(failsGate("no-change", true)).toBe(false);
    expect(failsGate("improvement", true)).toBe(false);
  });
});

describe("itemsNeeded inverts the MDE formula", () => {
  it("Connor's McNemar MDE: the smallest n whose MDE is within the tolerance, matching the closed form", () => {
    for (const [psi, d] of [
      [0.1, 0.02],
      [0.3, 0.05],
      [0.05, 0.03],
    ]) {
      const mdeAt = (m: number) => mcnemarMinimumDetectableEffect(m, psi * m, { exact: m < 25 });
      const n = itemsNeeded(mdeAt, d)!;
      expect(mdeAt(n)).toBeLessThanOrEqual(d);
      expect(mdeAt(n - 1)).toBeGreaterThan(d);
      // Connor (1987) solved for n: n = ((z_{1-a/2} sqrt(psi) + z_power sqrt(psi - d^2)) / d)^2.
      const closed = ((normalQuantile(0.975) * Math.sqrt(psi) + normalQuantile(0.8) * Math.sqrt(psi - d * d)) / d) ** 2;
      expect(Math.abs(n - closed)).toBeLessThanOrEqual(1);
    }
  });

  it("the t MDE: n with (t_{1-a/2,n-1} + t_{power,n-1}) sd / sqrt(n) <= tolerance, near ((z + z_power) sd / d)^2", () => {
    const sd = 0.3;
    const mdeAt = (m: number) => tMinimumDetectableEffect(sd / Math.sqrt(m), m, 0.05, 0.9);
    const n = itemsNeeded(mdeAt, 0.02)!;
    expect(mdeAt(n)).toBeLessThanOrEqual(0.02);
    expect(mdeAt(n - 1)).toBeGreaterThan(0.02);
    const normal = (((normalQuantile(0.975) + normalQuantile(0.9)) * sd) / 0.02) ** 2;
    expect(n).toBeGreaterThanOrEqual(Math.floor(normal));
    expect(n).toBeLessThan(normal * 1.01);
  });

  it("gives 1 when one item does, and undefined when no count up to 1e9 does", () => {
    expect(itemsNeeded(() => 0, 0.02)).toBe(1);
    expect(itemsNeeded(() => Number.POSITIVE_INFINITY, 0.02)).toBeUndefined();
  });

  it("an underpowered row's suggested size makes its MDE reach the tolerance", () => {
    const a = Array.from({ length: 40 }, (_, i) => (i % 4 === 0 ? 0 : 1));
    const b = Array.from({ length: 40 }, (_, i) => (i % 5 === 0 ? 0 : 1));
    const row = pairedScores(a, b, { alpha: 0.05, power: 0.8, seed: 0, iterations: 200 });
    expect(row.test).toMatch(/^mcnemar/);
    expect(row.mde).toBeGreaterThan(0.02);
    const n = itemsNeeded(row.mdeAt, 0.02)!;
    expect(n).toBeGreaterThan(40);
    expect(row.mdeAt(n)).toBeLessThanOrEqual(0.02);
  });
});
