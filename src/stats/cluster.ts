// Clustered standard errors for a mean when items share a cluster (same passage, same template):
// items in one cluster are not independent, so the plain standard error is too small.
import { type Interval, normalQuantile, studentTQuantile } from "./intervals.ts";

/** A score and the cluster its item belongs to. */
export interface ClusteredValue {
  value: number;
  cluster: string | number;
}

/** Options for the clustered interval. */
export interface ClusteredMeanOptions {
  confidence?: number;
  /**
   * Reference distribution for the interval: "normal" (default; statsmodels' default for
   * cov_type="cluster") or "t" with G - 1 degrees of freedom (statsmodels use_t=True).
   */
  distribution?: "normal" | "t";
}

/** The mean, its cluster-robust standard error and interval. */
export interface ClusteredMean {
  mean: number;
  standardError: number;
  interval: Interval;
  /** Number of items N and of clusters G. */
  n: number;
  clusters: number;
  /** Degrees of freedom used for "t" (G - 1). */
  df: number;
}

/**
 * Cluster-robust (CR1) standard error of a mean: the Liang-Zeger sandwich for an intercept-only OLS
 * with Stata's small-sample factor, exactly statsmodels' OLS(y, 1).fit(cov_type="cluster") with its
 * default use_correction=True:
 *   Var = G/(G-1) * (N-1)/(N-K) * sum_g (sum_{i in g} (y_i - mean))^2 / N^2, and K = 1 here.
 * Needs at least two clusters; with one cluster per item it equals the HC1 (not the ddof=1) error.
 */
export function clusteredMean(items: readonly ClusteredValue[], options: ClusteredMeanOptions = {}): ClusteredMean {
  const n = items.length;
  let sum = 0;
  for (const it of items) sum += it.value;
  const mean = sum / n;
  const residualSums = new Map<string | number, number>();
  for (const it of items) residualSums.set(it.cluster, (residualSums.get(it.cluster) ?? 0) + (it.value - mean));
  const g = residualSums.size;
  let meat = 0;
  for (const s of residualSums.values()) meat += s * s;
  // Small-sample factor G/(G-1) * (N-1)/(N-K) with K = 1 is just G/(G-1).
  const variance = g > 1 ? ((g / (g - 1)) * meat) / (n * n) : NaN;
  const standardError = Math.sqrt(variance);
  const confidence = options.confidence ?? 0.95;
  const q = options.distribution === "t" ? studentTQuantile(1 - (1 - confidence) / 2, g - 1) : normalQuantile(1 - (1 - confidence) / 2);
  return { mean, standardError, interval: [mean - q * standardError, mean + q * standardError], n, clusters: g, df: g - 1 };
}
