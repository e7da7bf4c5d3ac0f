import { describe, expect, it } from "vitest";
import {
  bootstrapCorpus,
  bootstrapMean,
  bootstrapMedian,
  bootstrapStatistic,
  flatRows,
  median,
  quantileSorted,
  resampleIndices,
  sumFlatRows,
  sumRows,
} from "../../src/stats/bootstrap.ts";
import { tInterval } from "../../src/stats/intervals.ts";
import { seededRandom } from "../../src/stats/random.ts";

const r = seededRandom("bootstrap-tests");
const values = Array.from({ length: 400 }, () => r.next() ** 2);

describe("bootstrap", () => {
  it("same seed, same bytes; another seed, another interval", () => {
    const a = bootstrapMedian(values, { seed: 11 });
    expect(JSON.stringify(bootstrapMedian(values, { seed: 11 }))).toBe(JSON.stringify(a));
    expect(bootstrapMedian(values, { seed: 12 }).interval).not.toEqual(a.interval);
    expect(a.iterations).toBe(1000);
  });

  it("median matches numpy.median and the interval contains it", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4], 0.25)).toBe(1.75); // numpy.percentile([1,2,3,4], 25)
    const m = bootstrapMedian(values, { seed: 1, iterations: 500 });
    expect(m.estimate).toBe(median(values));
    expect(m.interval[0]).toBeLessThanOrEqual(m.estimate);
    expect(m.interval[1]).toBeGreaterThanOrEqual(m.estimate);
  });

  it("the mean's bootstrap interval is close to the t interval", () => {
    const b = bootstrapMean(values, { seed: 5, iterations: 4000 });
    const t = tInterval(values);
    expect(Math.abs(b.interval[0] - t[0])).toBeLessThan(0.006);
    expect(Math.abs(b.interval[1] - t[1])).toBeLessThan(0.006);
    const viaStatistic = bootstrapStatistic(values, (s) => s.reduce((x, y) => x + y, 0) / s.length, { seed: 5, iterations: 4000 });
    expect(viaStatistic.interval[0]).toBeCloseTo(b.interval[0], 12);
    expect(viaStatistic.interval[1]).toBeCloseTo(b.interval[1], 12);
  });

  it("corpus bootstrap sums sufficient statistics before aggregating", () => {
    // Corpus accuracy as correct / total tokens: a ratio of sums, not a mean of ratios.
    const stats = Array.from({ length: 100 }, (_, i) => [i % 3 === 0 ? 5 : 1, 5]);
    const res = bootstrapCorpus(stats, ([correct, total]) => correct / total, { seed: "corpus", iterations: 300, confidence: 0.9 });
    const correct = stats.reduce((s, x) => s + x[0], 0);
    expect(res.estimate).toBeCloseTo(correct / 500, 15);
    expect(res.interval[0]).toBeLessThan(res.estimate);
    expect(res.interval[1]).toBeGreaterThan(res.estimate);
    expect(res.iterations).toBe(300);
  });

  it("empty input gives NaN, not a crash", () => {
    const e = bootstrapMean([], { seed: 1, iterations: 10 });
    expect(e.estimate).toBeNaN();
    expect(e.interval[0]).toBeNaN();
  });
});

describe("the bootstrap's fast paths", () => {
  it("resampleIndices draws exactly what random.int(n) would, for sizes near powers of two", () => {
    for (const n of [1, 2, 3, 7, 100_000, 2 ** 31 + 1, 2 ** 32 - 1]) {
      const fast = resampleIndices(seededRandom(n), n, new Uint32Array(2000));
      const slow = seededRandom(n);
      expect(Array.from(fast)).toEqual(Array.from({ length: 2000 }, () => slow.int(n)));
    }
  });

  it("sumFlatRows gives sumRows' sums to the bit (same additions, same order)", () => {
    const random = seededRandom("rows");
    for (const dim of [1, 2, 9]) {
      const rows = Array.from({ length: 500 }, () => Array.from({ length: dim }, () => random.next() * 1e6 - 3e5));
      const idx = resampleIndices(random, rows.length);
      expect(sumFlatRows(flatRows(rows, dim), dim, idx)).toEqual(sumRows(rows, idx, dim));
    }
  });
});
