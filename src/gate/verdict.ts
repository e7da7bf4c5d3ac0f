// The gate's decision for one paired row: regression, improvement, no-change, underpowered or
// inconclusive, from the interval for B - A, the tolerance and the minimum detectable effect.

/** What the gate concludes about one (task, model, strategy, metric) row. */
export type Verdict = "regression" | "improvement" | "no-change" | "underpowered" | "inconclusive";

/** The verdicts that fail the gate: regressions always, the undecided ones under --strict. */
export function failsGate(verdict: Verdict, strict: boolean): boolean {
  return verdict === "regression" || (strict && (verdict === "underpowered" || verdict === "inconclusive"));
}

/**
 * The verdict from the (1 - alpha) two-sided interval [lo, hi] for B - A. On the "gain" scale
 * (B - A, or A - B when lower is better), with tolerance t:
 * - regression: the whole interval lies below -t (hi < -t);
 * - improvement: the whole interval lies above +t (lo > t);
 * - no-change: the interval excludes every drop larger than t (lo >= -t);
 * - underpowered: none of these, and the minimum detectable effect at the asked power exceeds t
 *   (or cannot be estimated): the check was too small to see a drop of t;
 * - inconclusive: none of these although the check had the power: the difference lies near -t.
 * Regression is a one-sided test of "drop <= t" at level alpha/2: if the true gain is >= -t, an
 * interval with coverage 1 - alpha lies wholly below -t with probability at most alpha/2, so
 * the false-alarm rate is at most alpha/2 <= alpha (simulated in tests/gate/simulation.test.ts).
 */
export function decideVerdict(
  row: { ci: readonly [number, number]; mde: number },
  options: { tolerance: number; lowerIsBetter?: boolean },
): Verdict {
  const t = options.tolerance;
  const [lo, hi] = options.lowerIsBetter ? [-row.ci[1], -row.ci[0]] : [row.ci[0], row.ci[1]];
  if (hi < -t) return "regression";
  if (lo > t) return "improvement";
  if (lo >= -t) return "no-change";
  return Number.isNaN(row.mde) || row.mde > t ? "underpowered" : "inconclusive";
}

/** Larger than any item count worth suggesting: `itemsNeeded` gives up above it. */
export const MAX_ITEMS = 1e9;

/**
 * The smallest item count m >= 1 whose minimum detectable effect `mdeAt(m)` is at most
 * `tolerance`: the MDE formula inverted numerically (it falls as m grows), by doubling then
 * bisection. undefined when even MAX_ITEMS items would not do.
 */
export function itemsNeeded(mdeAt: (m: number) => number, tolerance: number): number | undefined {
  const ok = (m: number) => mdeAt(m) <= tolerance;
  let hi = 1;
  while (!ok(hi)) {
    if (hi >= MAX_ITEMS) return undefined;
    hi = Math.min(MAX_ITEMS, hi * 2);
  }
  let lo = Math.floor(hi / 2); // not ok (or 0)
  if (hi === 1) return 1;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (ok(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}
