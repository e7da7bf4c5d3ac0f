// The gate's error rates by simulation: pass/fail outcomes of many simulated pairs of runs,
// seeded, through the same statistics and verdict function `assay gate` uses.
import { describe, expect, it } from "vitest";
import { pairedScores } from "../../src/gate/paired-row.ts";
import { decideVerdict, itemsNeeded } from "../../src/gate/verdict.ts";
import { seededRandom } from "../../src/stats/random.ts";

const SIMS = 10_000;
const alpha = 0.05;
const power = 0.8;
const tolerance = 0.05;
// Per item: both pass 0.6, both fail 0.2, and the discordant 0.2 split by the true change.
const concordantPass = 0.6;
const discordance = 0.2;
// Monte-Carlo slack: 3 standard errors of a proportion estimated from SIMS runs.
const slack = (p: number) => 3 * Math.sqrt((p * (1 - p)) / SIMS);

/** The share of SIMS simulated pairs of runs of n items (true change `drop` below zero) the gate calls a regression. */
function regressionRate(n: number, drop: number, seed: number): number {
  const random = seededRandom(seed);
  const onlyA = (discordance + drop) / 2;
  const a = new Array<number>(n);
  const b = new Array<number>(n);
  let regressions = 0;
  for (let s = 0; s < SIMS; s++) {
    for (let i = 0; i < n; i++) {
      const u = random.next();
      const both = u < concordantPass;
      const aOnly = !both && u < concordantPass + onlyA;
      const bOnly = !both && !aOnly && u < concordantPass + discordance;
      a[i] = both || aOnly ? 1 : 0;
      b[i] = both || bOnly ? 1 : 0;
    }
    const row = pairedScores(a, b, { alpha, power, seed: s, iterations: 0 });
    if (decideVerdict(row, { tolerance }) === "regression") regressions++;
  }
  return regressions / SIMS;
}

describe("gate simulation (10,000 pairs of runs each)", () => {
  // The size the gate calls sufficient for this spread: the smallest n whose MDE reaches the
  // tolerance, from a row observed with the simulated discordance (20 discordant pairs of 100).
  const observed = pairedScores(
    Array.from({ length: 100 }, (_, i) => (i < 10 ? 1 : 0)),
    Array.from({ length: 100 }, (_, i) => (i >= 10 && i < 20 ? 1 : 0)),
    { alpha, power, seed: 0, iterations: 0 },
  );
  const n = itemsNeeded(observed.mdeAt, tolerance)!;

  it("with no true change, false alarms stay within alpha (expected at most alpha/2)", () => {
    expect(n).toBeGreaterThan(100);
    const rate = regressionRate(n, 0, 1);
    expect(rate).toBeLessThanOrEqual(alpha + slack(alpha));
    expect(rate).toBeLessThanOrEqual(alpha / 2 + slack(alpha / 2));
  });

  it("with a true drop of exactly the tolerance, false alarms stay within alpha/2", () => {
    expect(regressionRate(n, tolerance, 2)).toBeLessThanOrEqual(alpha / 2 + slack(alpha / 2));
  });

  it("with a true drop of 2x the tolerance at the size the gate calls sufficient, power reaches the asked power", () => {
    expect(regressionRate(n, 2 * tolerance, 3)).toBeGreaterThanOrEqual(power - slack(power));
  });
});
