// Paired comparison of two runs on the same items: McNemar for pass/fail, paired t and paired
// bootstrap for scores. Differences are always `b - a` (candidate minus baseline).
import { type BootstrapOptions, flatRows, percentileSummary, resampleIndices, sumFlatRows, sumRows } from "./bootstrap.ts";
import { type Interval, erfc, normalQuantile, regularizedBeta, studentTCdf, studentTQuantile } from "./intervals.ts";
import { seededRandom } from "./random.ts";

/** The result of a paired comparison. */
export interface PairedComparison {
  /** paired-permutation: the bootstrap's interval with the exact randomization p-value (few items). */
  test: "mcnemar-exact" | "mcnemar-chi2" | "paired-t" | "paired-bootstrap" | "paired-permutation";
  /** Number of paired items. */
  n: number;
  /** Estimated difference b - a (in means, proportions or corpus score). */
  difference: number;
  /** Confidence interval for the difference. */
  interval: Interval;
  /** Two-sided p-value for "no difference". */
  pValue: number;
  /** Test statistic (McNemar: min count or chi-square; t: t value; bootstrap: the difference). */
  statistic: number;
  /** Standard error of the difference. */
  standardError: number;
  /**
   * Smallest true difference detectable with 80% power at alpha 0.05, two-sided; Infinity when
   * no difference can reach significance with this many items, NaN when it cannot be estimated
   * (the per-item differences do not vary).
   */
  minimumDetectableEffect: number;
}

/** McNemar's result also reports the discordant counts. */
export interface McNemarResult extends PairedComparison {
  /** Items that a passed and b failed. */
  onlyA: number;
  /** Items that b passed and a failed. */
  onlyB: number;
}

/**
 * Minimum detectable effect for a two-sided test at level `alpha` with power `power`:
 * (z_{1-alpha/2} + z_{power}) * SE, the normal-approximation formula used in Miller (2024),
 * "Adding Error Bars to Evals" (arXiv:2411.00640), §power analysis. With the defaults it is 2.8016 * SE.
 */
export function minimumDetectableEffect(standardError: number, alpha = 0.05, power = 0.8): number {
  return (normalQuantile(1 - alpha / 2) + normalQuantile(power)) * standardError;
}

/**
 * Minimum detectable effect of a t test on n items with standard error `se`:
 * (t_{1-alpha/2, n-1} + t_{power, n-1}) * SE, the usual approximation to the noncentral-t power
 * (Cohen 1988, §2.3), which stays honest for few items (n = 2: 14 standard errors, not 2.8).
 * NaN when the standard error is 0 (nothing varies: the power cannot be estimated) or n < 2.
 */
export function tMinimumDetectableEffect(standardError: number, n: number, alpha = 0.05, power = 0.8): number {
  if (!(n >= 2) || !(standardError > 0)) return NaN;
  return (studentTQuantile(1 - alpha / 2, n - 1) + studentTQuantile(power, n - 1)) * standardError;
}

/**
 * Minimum detectable effect for McNemar's test on n pairs with `discordant` discordant pairs: the
 * smallest d with 80% power at alpha 0.05 by Connor's (1987) sample-size formula solved for d,
 * sqrt(n) d = z_{1-alpha/2} sqrt(psi) + z_{power} sqrt(psi - d^2) (Connor, "Sample size for testing
 * differences in proportions for the paired-sample design", Biometrics 43:207-211), with the
 * discordance psi = max(observed, d): a true difference d needs at least d discordant pairs, so
 * no discordant pair does not make every difference detectable. Infinity when even d = 1 is not
 * detectable, or when the exact test (used below 25 discordant pairs) cannot reach alpha with n
 * pairs at all (n < 6 at alpha 0.05: 2 * 0.5^n > alpha).
 */
export function mcnemarMinimumDetectableEffect(
  n: number,
  discordant: number,
  options: { exact?: boolean; alpha?: number; power?: number } = {},
): number {
  const alpha = options.alpha ?? 0.05;
  if (!(n > 0)) return NaN;
  if (options.exact && 2 * 0.5 ** n > alpha) return Infinity;
  const za = normalQuantile(1 - alpha / 2);
  const zb = normalQuantile(options.power ?? 0.8);
  const observed = discordant / n;
  const g = (d: number) => {
    const psi = Math.max(observed, d);
    return za * Math.sqrt(psi) + zb * Math.sqrt(Math.max(0, psi - d * d)) - Math.sqrt(n) * d;
  };
  if (g(1) > 0) return Infinity;
  // g is positive below the root and negative above it (it falls on both sides of d = psi).
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 200 && lo < hi; i++) {
    const mid = (lo + hi) / 2;
    if (mid === lo || mid === hi) break;
    if (g(mid) > 0) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Tango's asymptotic score interval for the difference of two paired proportions, b - a
 * (Tango 1998, "Equivalence test and confidence interval for the difference in proportions for
 * the paired-sample design", Stat Med 17:891-908): the differences d whose score statistic
 * T(d) = (onlyB - onlyA - n d) / sqrt(n (2 q(d) + d (1 - d))) lies within +-z, where q(d) is the
 * restricted maximum likelihood estimate of P(a passes, b fails). It lies in [-1, 1], is never
 * zero-width (all pairs concordant gives [-z^2/(n+z^2), z^2/(n+z^2)]), and is one of the two
 * intervals Fagerland, Lydersen & Laake (2014, Stat Med 33:2850-2875) recommend for paired
 * proportions; at d = 0 its statistic is McNemar's.
 */
export function tangoInterval(n: number, onlyA: number, onlyB: number, confidence = 0.95): Interval {
  if (!(n > 0)) return [NaN, NaN];
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const estimate = (onlyB - onlyA) / n;
  const statistic = (d: number) => {
    // q(d): the root of 2n q^2 + B q + C = 0 (Tango 1998, eq. 6), in the form without cancellation.
    const A = 2 * n;
    const B = -onlyB - onlyA + (2 * n - onlyB + onlyA) * d;
    const C = -onlyA * d * (1 - d);
    const root = Math.sqrt(Math.max(0, B * B - 4 * A * C));
    const q = B <= 0 ? (root - B) / (2 * A) : (-2 * C) / (B + root);
    const variance = n * (2 * q + d * (1 - d));
    return variance > 0 ? (onlyB - onlyA - n * d) / Math.sqrt(variance) : 0;
  };
  // T falls from +infinity at d = -1 to -infinity at d = 1 through 0 at the estimate.
  const solve = (lo: number, hi: number, target: number) => {
    for (let i = 0; i < 200; i++) {
      const mid = (lo + hi) / 2;
      if (mid === lo || mid === hi) break;
      if (statistic(mid) > target) lo = mid;
      else hi = mid;
    }
    return (lo + hi) / 2;
  };
  const lower = estimate <= -1 ? -1 : solve(-1, estimate, z);
  const upper = estimate >= 1 ? 1 : solve(estimate, 1, -z);
  return [lower, upper];
}

function checkPaired(a: readonly unknown[], b: readonly unknown[]): void {
  if (a.length !== b.length) throw new RangeError(`paired comparison needs equal lengths, got ${a.length} and ${b.length}`);
}

/** Binomial(n, 1/2) CDF at k, via the regularized incomplete beta: P(X <= k) = I_{1/2}(n - k, k + 1). */
function binomialHalfCdf(k: number, n: number): number {
  if (k >= n) return 1;
  if (k < 0) return 0;
  return regularizedBeta(0.5, n - k, k + 1);
}

/** Options for McNemar's test. */
export interface McNemarOptions {
  /** "auto" (default): exact binomial when the discordant count is below 25, else chi-square with continuity correction. */
  method?: "auto" | "exact" | "chi2";
  confidence?: number;
}

/**
 * McNemar's test on paired pass/fail outcomes, as statsmodels.stats.contingency_tables.mcnemar:
 * exact=True gives statistic min(n01, n10) and p = min(1, 2 * Binom(n01 + n10, 1/2).cdf(min));
 * exact=False, correction=True gives (|n01 - n10| - 1)^2 / (n01 + n10) against chi-square(1).
 * The difference in pass rates gets Tango's score interval (`tangoInterval`), which stays in
 * [-1, 1] and keeps a width at the extremes where the Wald interval collapses or overshoots;
 * `standardError` is still the Wald one, sqrt(n01 + n10 - (n01 - n10)^2 / n) / n (Agresti 2013,
 * Categorical Data Analysis §11.1.1). The MDE is `mcnemarMinimumDetectableEffect`.
 */
export function mcnemar(a: readonly boolean[], b: readonly boolean[], options: McNemarOptions = {}): McNemarResult {
  checkPaired(a, b);
  let onlyA = 0;
  let onlyB = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] && !b[i]) onlyA++;
    else if (!a[i] && b[i]) onlyB++;
  }
  return mcnemarFromCounts(a.length, onlyA, onlyB, options);
}

/** McNemar from counts: `n` paired items, `onlyA` passed by a only, `onlyB` passed by b only. */
export function mcnemarFromCounts(n: number, onlyA: number, onlyB: number, options: McNemarOptions = {}): McNemarResult {
  const discordant = onlyA + onlyB;
  const method = options.method ?? "auto";
  const exact = method === "exact" || (method === "auto" && discordant < 25);
  let statistic: number;
  let pValue: number;
  if (exact) {
    statistic = Math.min(onlyA, onlyB);
    pValue = Math.min(1, 2 * binomialHalfCdf(statistic, discordant));
  } else {
    statistic = (Math.abs(onlyA - onlyB) - 1) ** 2 / discordant;
    pValue = erfc(Math.sqrt(statistic / 2)); // chi-square(1) survival function
  }
  const difference = n > 0 ? (onlyB - onlyA) / n : NaN;
  const se = n > 0 ? Math.sqrt(Math.max(0, discordant - (onlyB - onlyA) ** 2 / n)) / n : NaN;
  return {
    test: exact ? "mcnemar-exact" : "mcnemar-chi2",
    n,
    difference,
    interval: tangoInterval(n, onlyA, onlyB, options.confidence ?? 0.95),
    pValue,
    statistic,
    standardError: se,
    // The test that n pairs at most would get: exact below 25 discordant pairs (auto) or when asked.
    minimumDetectableEffect: mcnemarMinimumDetectableEffect(n, discordant, { exact: method === "exact" || (method === "auto" && n < 25) }),
    onlyA,
    onlyB,
  };
}

/**
 * Paired t test on scores, as scipy.stats.ttest_rel(b, a): t = mean(d) / (sd(d) / sqrt(n)) with
 * d = b - a and n - 1 degrees of freedom; the interval is the t interval of the mean difference.
 */
export function pairedTTest(a: readonly number[], b: readonly number[], options: { confidence?: number } = {}): PairedComparison {
  checkPaired(a, b);
  const n = a.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += b[i] - a[i];
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (b[i] - a[i] - mean) ** 2;
  const se = Math.sqrt(ss / (n - 1) / n);
  const df = n - 1;
  const t = mean / se;
  const q = n > 1 ? studentTQuantile(1 - (1 - (options.confidence ?? 0.95)) / 2, df) : NaN;
  return {
    test: "paired-t",
    n,
    difference: mean,
    interval: [mean - q * se, mean + q * se],
    pValue: Number.isNaN(t) ? NaN : 2 * studentTCdf(-Math.abs(t), df),
    statistic: t,
    standardError: se,
    minimumDetectableEffect: tMinimumDetectableEffect(se, n),
  };
}

/** A standard error that is only floating-point noise around `scale` (equal differences summed in another order) is 0. */
function roundingAsZero(standardError: number, scale: number): number {
  return standardError <= 1e-12 * Math.max(1, Math.abs(scale)) ? 0 : standardError;
}

/** Up to this many items the p-value enumerates every swap (2^16 = 65,536 aggregates at most). */
export const EXACT_RANDOMIZATION_MAX_ITEMS = 16;

/**
 * Paired bootstrap of mean(b) - mean(a): resample item indices, shared by both runs.
 * The p-value is sacrebleu's paired bootstrap test (Koehn 2004; sacrebleu 2.x significance.py
 * `_paired_bs_test`): with s* = |d*| - mean(|d*|) over resamples, p = (1 + #{s* > |d|}) / (B + 1);
 * with at most 16 items it is the exact randomization test instead (`pairedRandomizationPValue`).
 * The MDE is `tMinimumDetectableEffect` of the per-item differences' standard error.
 */
export function pairedBootstrap(a: readonly number[], b: readonly number[], options: BootstrapOptions): PairedComparison {
  checkPaired(a, b);
  const result = pairedBootstrapCorpus(
    a.map((x) => [x, 1]),
    b.map((x) => [x, 1]),
    ([sum, n]) => sum / n,
    options,
  );
  const n = a.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += b[i] - a[i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (b[i] - a[i] - mean) ** 2;
  return { ...result, minimumDetectableEffect: tMinimumDetectableEffect(roundingAsZero(Math.sqrt(ss / (n - 1) / n), mean), n) };
}

/**
 * Exact paired randomization test: the share of all 2^n ways of swapping A's and B's statistics
 * within items whose |aggregate(B') - aggregate(A')| reaches the observed |difference| (Fisher
 * 1935; Noreen 1989, as sacrebleu's paired approximate randomization samples it, enumerated
 * here). For a mean it is the sign-flip test: 4 items all better by the same amount give
 * p = 2/16 = 0.125, as McNemar's exact test does for 4 discordant pairs.
 */
export function pairedRandomizationPValue(
  statsA: readonly (readonly number[])[],
  statsB: readonly (readonly number[])[],
  aggregate: (sums: number[]) => number,
): number {
  checkPaired(statsA, statsB);
  const n = statsA.length;
  if (n > 30) throw new RangeError(`exact randomization needs at most 30 items, got ${n}`);
  const dim = n > 0 ? statsA[0].length : 0;
  const sumA = sumRows(
    statsA,
    Uint32Array.from({ length: n }, (_, i) => i),
    dim,
  );
  const sumB = sumRows(
    statsB,
    Uint32Array.from({ length: n }, (_, i) => i),
    dim,
  );
  const observed = Math.abs(aggregate(sumB) - aggregate(sumA));
  const tolerance = 1e-12 * Math.max(1, observed);
  // Gray code: each step swaps one item, so the sums change by one row.
  let count = 0;
  const total = 2 ** n;
  for (let k = 0; k < total; k++) {
    if (k > 0) {
      const item = 31 - Math.clz32(k & -k);
      const swapped = ((k ^ (k >> 1)) >> item) & 1;
      const from = swapped ? statsB[item] : statsA[item];
      const to = swapped ? statsA[item] : statsB[item];
      for (let d = 0; d < dim; d++) {
        sumA[d] += from[d] - to[d];
        sumB[d] += to[d] - from[d];
      }
    }
    if (Math.abs(aggregate(sumB) - aggregate(sumA)) >= observed - tolerance) count++;
  }
  return count / total;
}

/**
 * Paired bootstrap for a corpus metric: both runs' per-item sufficient statistics are resampled with
 * the same indices and each aggregated; the replicate is aggregate(b*) - aggregate(a*).
 */
export function pairedBootstrapCorpus(
  statsA: readonly (readonly number[])[],
  statsB: readonly (readonly number[])[],
  aggregate: (sums: number[]) => number,
  options: BootstrapOptions,
): PairedComparison {
  checkPaired(statsA, statsB);
  const iterations = options.iterations ?? 1000;
  const random = seededRandom(options.seed);
  const n = statsA.length;
  const dimA = n > 0 ? statsA[0].length : 0;
  const dimB = n > 0 ? statsB[0].length : 0;
  const all = Uint32Array.from({ length: n }, (_, i) => i);
  const observed = aggregate(sumRows(statsB, all, dimB)) - aggregate(sumRows(statsA, all, dimA));
  const replicates = new Float64Array(iterations);
  const idx = new Uint32Array(n);
  const flatA = flatRows(statsA, dimA);
  const flatB = flatRows(statsB, dimB);
  const sumsA = new Float64Array(dimA);
  const sumsB = new Float64Array(dimB);
  for (let r = 0; r < iterations; r++) {
    resampleIndices(random, n, idx);
    replicates[r] = aggregate(sumFlatRows(flatB, dimB, idx, sumsB)) - aggregate(sumFlatRows(flatA, dimA, idx, sumsA));
  }
  const summary = percentileSummary(observed, replicates, options.confidence);
  // With few items the bootstrap's resamples are too few and too alike to give a p-value (2
  // items that both improve by 0.1 would get p = 1/(B+1)); enumerate the randomization instead.
  const exact = n <= EXACT_RANDOMIZATION_MAX_ITEMS;
  return {
    test: exact ? "paired-permutation" : "paired-bootstrap",
    n,
    difference: observed,
    interval: summary.interval,
    pValue: exact ? pairedRandomizationPValue(statsA, statsB, aggregate) : bootstrapPValue(replicates, observed),
    statistic: observed,
    standardError: summary.standardError,
    minimumDetectableEffect: tMinimumDetectableEffect(roundingAsZero(summary.standardError, observed), n),
  };
}

/**
 * sacrebleu's paired-bootstrap p-value from replicate differences d* and the observed difference d:
 * with s* = |d*| - mean(|d*|), p = (1 + #{s* > |d|}) / (B + 1) (sacrebleu 2.x, significance.py).
 * One deliberate departure: identical runs (every d* and d exactly 0) get p = 1, where sacrebleu says 1/(B+1).
 */
export function bootstrapPValue(replicates: ArrayLike<number>, observed: number): number {
  const b = replicates.length;
  let centre = 0;
  for (let i = 0; i < b; i++) centre += Math.abs(replicates[i]);
  centre /= b;
  if (centre === 0 && observed === 0) return 1;
  let extreme = 0;
  for (let i = 0; i < b; i++) if (Math.abs(replicates[i]) - centre > Math.abs(observed)) extreme++;
  return (1 + extreme) / (b + 1);
}
