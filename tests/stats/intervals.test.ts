import { describe, expect, it } from "vitest";
import * as intervals from "../../src/stats/intervals.ts";
import { seededRandom } from "../../src/stats/random.ts";
import { expectClose, loadFixture } from "./fixture.ts";

const cases = loadFixture("intervals.json");
const fns = intervals as unknown as Record<string, (...args: unknown[]) => unknown>;

describe("intervals match scipy / statsmodels to 1e-9", () => {
  for (const c of cases) {
    it(`${c.fn}(${JSON.stringify(c.args).slice(0, 60)})`, () => {
      expectClose(fns[c.fn](...c.args), c.expected, 1e-9, c.fn);
    });
  }
});

describe("interval properties", () => {
  it("Wilson and t intervals contain the point estimate", () => {
    const random = seededRandom("intervals-properties");
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + random.int(500);
      const s = random.int(n + 1);
      const [lo, hi] = intervals.wilsonInterval(s, n);
      expect(lo).toBeLessThanOrEqual(s / n);
      expect(hi).toBeGreaterThanOrEqual(s / n);
      expect(lo).toBeGreaterThanOrEqual(0);
      expect(hi).toBeLessThanOrEqual(1);
      const values = Array.from({ length: 2 + random.int(50) }, () => random.next() * 10);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const [tl, th] = intervals.tInterval(values);
      expect(tl).toBeLessThanOrEqual(mean);
      expect(th).toBeGreaterThanOrEqual(mean);
    }
  });

  it("quantiles invert the CDFs", () => {
    for (const df of [1, 3, 12, 250]) {
      for (const p of [0.01, 0.3, 0.77, 0.999]) expect(intervals.studentTCdf(intervals.studentTQuantile(p, df), df)).toBeCloseTo(p, 12);
    }
  });
});

describe("scipy 1.10's own t.ppf (cdflib) agrees to its accuracy, 1e-7 relative", () => {
  it("studentTQuantile vs scipy.stats.t.ppf", () => {
    for (const c of cases.filter((c) => c.fn === "studentTQuantile")) {
      expectClose(intervals.studentTQuantile(...(c.args as [number, number])), c.scipy, 1e-7, JSON.stringify(c.args));
    }
  });
});
