// Percentile bootstrap intervals over items (Efron & Tibshirani 1993, ch. 13), seeded through
// random.ts so the same items and seed give the same interval. Corpus metrics resample items and
// re-aggregate their summed sufficient statistics, as sacrebleu's bootstrap does.
import type { Interval } from "./intervals.ts";
import { type Random, seededRandom } from "./random.ts";

/** Options for every bootstrap: `seed` is required so the run can record it. */
export interface BootstrapOptions {
  seed: number | string;
  /** Number of resamples (default 1000). */
  iterations?: number;
  /** Two-sided confidence level (default 0.95). */
  confidence?: number;
}

/** A statistic on the full data, its percentile interval, and the bootstrap standard error. */
export interface BootstrapResult {
  estimate: number;
  interval: Interval;
  standardError: number;
  iterations: number;
}

/** The q-th quantile (0..1) of ascending `sorted` with linear interpolation, as numpy.percentile's default. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  if (lo >= n - 1) return sorted[n - 1];
  return sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
}

/** Median of `values` (mean of the two middle values for an even count, as numpy.median). */
export function median(values: readonly number[]): number {
  return quantileSorted(Float64Array.from(values).sort(), 0.5);
}

/** Fills `out` with `out.length` indices drawn uniformly with replacement from [0, n). */
export function resampleIndices(random: Random, n: number, out: Uint32Array = new Uint32Array(n)): Uint32Array {
  if (!(Number.isInteger(n) && n >= 1 && n < 2 ** 32)) {
    for (let i = 0; i < out.length; i++) out[i] = random.int(n);
    return out;
  }
  // random.int(n) inlined (the same draws: rejection below the largest multiple of n), checked once per call, not per index.
  const limit = 2 ** 32 - (2 ** 32 % n);
  for (let i = 0; i < out.length; i++) {
    let x = random.nextUint32();
    while (x >= limit) x = random.nextUint32();
    out[i] = x % n;
  }
  return out;
}

/** Summarises bootstrap replicates: percentile interval [q(a/2), q(1 - a/2)] and their standard deviation. */
export function percentileSummary(estimate: number, replicates: Float64Array, confidence = 0.95): BootstrapResult {
  const finite = replicates.filter((x) => !Number.isNaN(x)).sort();
  const alpha = 1 - confidence;
  let mean = 0;
  for (const x of finite) mean += x;
  mean /= finite.length;
  let ss = 0;
  for (const x of finite) ss += (x - mean) * (x - mean);
  return {
    estimate,
    interval: [quantileSorted(finite, alpha / 2), quantileSorted(finite, 1 - alpha / 2)],
    standardError: finite.length > 1 ? Math.sqrt(ss / (finite.length - 1)) : NaN,
    iterations: replicates.length,
  };
}

/**
 * Percentile bootstrap of any statistic over items: resample items with replacement, recompute.
 * Example: `bootstrapStatistic(scores, median, { seed: 1 })`.
 */
export function bootstrapStatistic<T>(items: readonly T[], statistic: (sample: T[]) => number, options: BootstrapOptions): BootstrapResult {
  const iterations = options.iterations ?? 1000;
  const random = seededRandom(options.seed);
  const n = items.length;
  const replicates = new Float64Array(iterations);
  const idx = new Uint32Array(n);
  const sample: T[] = new Array(n);
  for (let b = 0; b < iterations; b++) {
    resampleIndices(random, n, idx);
    for (let i = 0; i < n; i++) sample[i] = items[idx[i]];
    replicates[b] = n === 0 ? NaN : statistic(sample);
  }
  return percentileSummary(statistic(items.slice()), replicates, options.confidence);
}

/** Percentile bootstrap interval for a mean. */
export function bootstrapMean(values: readonly number[], options: BootstrapOptions): BootstrapResult {
  return bootstrapCorpus(
    values.map((v) => [v, 1]),
    ([sum, n]) => sum / n,
    options,
  );
}

/** Percentile bootstrap interval for a median. */
export function bootstrapMedian(values: readonly number[], options: BootstrapOptions): BootstrapResult {
  return bootstrapStatistic(values, median, options);
}

/**
 * Bootstrap for a corpus metric: each item carries a vector of sufficient statistics (BLEU's
 * matches/totals per order and lengths, chrF's n-gram counts); a resample sums the vectors of the
 * drawn items and `aggregate` turns the sums into the corpus score.
 * Example: `bootstrapCorpus(items.map(bleuStats), bleuFromSums, { seed: 7 })`.
 */
export function bootstrapCorpus(
  stats: readonly (readonly number[])[],
  aggregate: (sums: number[]) => number,
  options: BootstrapOptions,
): BootstrapResult {
  const iterations = options.iterations ?? 1000;
  const random = seededRandom(options.seed);
  const n = stats.length;
  const dim = n > 0 ? stats[0].length : 0;
  const replicates = new Float64Array(iterations);
  const idx = new Uint32Array(n);
  const flat = flatRows(stats, dim);
  const sums = new Float64Array(dim);
  for (let b = 0; b < iterations; b++) {
    resampleIndices(random, n, idx);
    replicates[b] = n === 0 ? NaN : aggregate(sumFlatRows(flat, dim, idx, sums));
  }
  const all = Uint32Array.from({ length: n }, (_, i) => i);
  return percentileSummary(n === 0 ? NaN : aggregate(sumRows(stats, all, dim)), replicates, options.confidence);
}

/** Column sums of the rows of `stats` picked by `idx`. */
export function sumRows(stats: readonly (readonly number[])[], idx: ArrayLike<number>, dim: number): number[] {
  const sums = new Array<number>(dim).fill(0);
  for (let i = 0; i < idx.length; i++) {
    const row = stats[idx[i]];
    for (let d = 0; d < dim; d++) sums[d] += row[d];
  }
  return sums;
}

/** The rows of `stats` laid end to end (row i at i * dim): what a bootstrap resamples a thousand times. */
export function flatRows(stats: readonly (readonly number[])[], dim: number): Float64Array {
  const flat = new Float64Array(stats.length * dim);
  for (let i = 0; i < stats.length; i++) {
    const row = stats[i];
    for (let d = 0; d < dim; d++) flat[i * dim + d] = row[d];
  }
  return flat;
}

/**
 * sumRows over flatRows' layout: the same additions in the same order (so the same sums to the
 * bit), several times faster than chasing one array per row (bench/gate.ts: 100,000 items).
 */
export function sumFlatRows(flat: Float64Array, dim: number, idx: ArrayLike<number>, sums: Float64Array = new Float64Array(dim)): number[] {
  sums.fill(0);
  if (dim === 1) {
    let total = 0;
    for (let i = 0; i < idx.length; i++) total += flat[idx[i]];
    return [total];
  }
  for (let i = 0; i < idx.length; i++) {
    const base = idx[i] * dim;
    for (let d = 0; d < dim; d++) sums[d] += flat[base + d];
  }
  return Array.from(sums);
}
