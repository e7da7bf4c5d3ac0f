// Paired comparison of two runs on the same items: McNemar for pass/fail, paired t and paired
// bootstrap for scores. Differences are always `b - a` (candidate minus baseline).
import { type BootstrapOptions, percentileSummary, resampleIndices, sumRows } from "./bootstrap.ts";
import { type Interval, erfc, normalQuantile, regularizedBeta, studentTCdf, studentTQuantile } from "./intervals.ts";
import { seededRandom } from "./random.ts";

/** The result of a paired comparison. */
export interface PairedComparison {
  test: "mcnemar-exact" | "mcnemar-chi2" | "paired-t" | "paired-bootstrap";
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
  /** Smallest true difference detectable with 80% power at alpha 0.05, two-sided (see `minimumDetectableEffect`). */
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
 * The difference in pass rates gets a Wald interval for paired proportions,
 * se = sqrt(n01 + n10 - (n01 - n10)^2 / n) / n (Agresti 2013, Categorical Data Analysis §11.1.1).
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
  const z = normalQuantile(1 - (1 - (options.confidence ?? 0.95)) / 2);
  return {
    test: exact ? "mcnemar-exact" : "mcnemar-chi2",
    n,
    difference,
    interval: [difference - z * se, difference + z * se],
    pValue,
    statistic,
    standardError: se,
    minimumDetectableEffect: minimumDetectableEffect(se),
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
    minimumDetectableEffect: minimumDetectableEffect(se),
  };
}

/**
 * Paired bootstrap of mean(b) - mean(a): resample item indices, shared by both runs.
 * The p-value is sacrebleu's paired bootstrap test (Koehn 2004; sacrebleu 2.x significance.py
 * `_paired_bs_test`): with s* = |d*| - mean(|d*|) over resamples, p = (1 + #{s* > |d|}) / (B + 1).
 */
export function pairedBootstrap(a: readonly number[], b: readonly number[], options: BootstrapOptions): PairedComparison {
  checkPaired(a, b);
  return pairedBootstrapCorpus(
    a.map((x) => [x, 1]),
    b.map((x) => [x, 1]),
    ([sum, n]) => sum / n,
    options,
  );
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
  for (let r = 0; r < iterations; r++) {
    resampleIndices(random, n, idx);
    replicates[r] = aggregate(sumRows(statsB, idx, dimB)) - aggregate(sumRows(statsA, idx, dimA));
  }
  const summary = percentileSummary(observed, replicates, options.confidence);
  return {
    test: "paired-bootstrap",
    n,
    difference: observed,
    interval: summary.interval,
    pValue: bootstrapPValue(replicates, observed),
    statistic: observed,
    standardError: summary.standardError,
    minimumDetectableEffect: minimumDetectableEffect(summary.standardError),
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
