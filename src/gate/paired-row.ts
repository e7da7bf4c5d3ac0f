// The paired statistics of one gate row, from both sides' per-item values or corpus statistics:
// the tests of stats/paired.ts (as `assay compare` picks them), with the MDE at the asked alpha
// and power and the MDE as a function of the item count (for "items needed").
import {
  mcnemar,
  mcnemarMinimumDetectableEffect,
  pairedBootstrap,
  pairedBootstrapCorpus,
  type PairedComparison,
  tMinimumDetectableEffect,
} from "../stats/paired.ts";

/** What the gate needs of a paired comparison. */
export interface PairedRow {
  test: PairedComparison["test"];
  n: number;
  baseline: number;
  candidate: number;
  diff: number;
  ci: [number, number];
  p: number;
  /** The minimum detectable effect with these n items at the asked alpha and power. */
  mde: number;
  /** The same MDE with m items of the same spread (discordance or per-item standard deviation). */
  mdeAt: (m: number) => number;
}

/** Options of a gate row's statistics. */
export interface PairedRowOptions {
  alpha: number;
  power: number;
  seed: number;
  iterations: number;
}

/**
 * Pass/fail values (every one 0 or 1) get McNemar with Tango's interval and Connor's MDE; other
 * scores the paired bootstrap and the t MDE of the per-item differences (as report/compare.ts).
 */
export function pairedScores(a: readonly number[], b: readonly number[], o: PairedRowOptions): PairedRow {
  const n = a.length;
  const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const common = { n, baseline: mean(a), candidate: mean(b) };
  const passFail = a.every((x) => x === 0 || x === 1) && b.every((x) => x === 0 || x === 1);
  if (passFail) {
    const r = mcnemar(
      a.map((x) => x === 1),
      b.map((x) => x === 1),
      { confidence: 1 - o.alpha },
    );
    const rate = (r.onlyA + r.onlyB) / n;
    // As mcnemarFromCounts: the exact test's MDE below 25 pairs.
    const mdeAt = (m: number) => mcnemarMinimumDetectableEffect(m, rate * m, { exact: m < 25, alpha: o.alpha, power: o.power });
    return { ...common, test: r.test, diff: r.difference, ci: r.interval, p: r.pValue, mde: mdeAt(n), mdeAt };
  }
  const r = pairedBootstrap(a, b, { seed: o.seed, iterations: o.iterations, confidence: 1 - o.alpha });
  let d = 0;
  for (let i = 0; i < n; i++) d += b[i] - a[i];
  d /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (b[i] - a[i] - d) ** 2;
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : NaN;
  // Differences that are equal up to rounding do not vary (as stats/paired.ts roundingAsZero).
  const spread = sd <= 1e-12 * Math.max(1, Math.abs(d)) ? 0 : sd;
  const mdeAt = (m: number) => tMinimumDetectableEffect(spread / Math.sqrt(m), m, o.alpha, o.power);
  return { ...common, test: r.test, diff: r.difference, ci: r.interval, p: r.pValue, mde: mdeAt(n), mdeAt };
}

/** A corpus metric: the paired bootstrap over summed statistics, its MDE from the bootstrap standard error. */
export function pairedCorpus(
  a: readonly (readonly number[])[],
  b: readonly (readonly number[])[],
  aggregate: (sums: number[]) => number,
  o: PairedRowOptions,
): PairedRow {
  const n = a.length;
  const r = pairedBootstrapCorpus(a, b, aggregate, { seed: o.seed, iterations: o.iterations, confidence: 1 - o.alpha });
  const total = (rows: readonly (readonly number[])[]) =>
    aggregate(
      rows.reduce<number[]>(
        (s, v) => s.map((x, i) => x + v[i]),
        rows[0].map(() => 0),
      ),
    );
  const se = r.standardError <= 1e-12 * Math.max(1, Math.abs(r.difference)) ? 0 : r.standardError;
  // The bootstrap standard error shrinks as 1/sqrt(n): m items of the same spread have se * sqrt(n / m).
  const mdeAt = (m: number) => tMinimumDetectableEffect(se * Math.sqrt(n / m), m, o.alpha, o.power);
  return {
    test: r.test,
    n,
    baseline: total(a),
    candidate: total(b),
    diff: r.difference,
    ci: r.interval,
    p: r.pValue,
    mde: mdeAt(n),
    mdeAt,
  };
}
