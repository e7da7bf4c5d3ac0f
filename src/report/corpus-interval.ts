// Percentile bootstrap over items for corpus metrics (BLEU, chrF): resample items with
// replacement, sum their statistics, aggregate (as sacrebleu's paired bootstrap resamples segments).
import { seededRandom } from "../stats/random.ts";

/** A seeded percentile-bootstrap interval of `aggregate(sum of resampled item stats)`. */
export function corpusBootstrapInterval(
  perItem: number[][],
  aggregate: (summed: number[]) => number,
  options: { confidence: number; iterations: number; seed: number },
): [number, number] {
  const rng = seededRandom(options.seed);
  const n = perItem.length;
  const dim = perItem[0].length;
  const values = new Float64Array(options.iterations);
  const summed = new Array<number>(dim);
  for (let b = 0; b < options.iterations; b++) {
    summed.fill(0);
    for (let i = 0; i < n; i++) {
      const v = perItem[rng.int(n)];
      for (let d = 0; d < dim; d++) summed[d] += v[d];
    }
    values[b] = aggregate(summed);
  }
  values.sort();
  const alpha = (1 - options.confidence) / 2;
  return [quantile(values, alpha), quantile(values, 1 - alpha)];
}

// numpy.percentile's default (linear interpolation between order statistics).
function quantile(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
