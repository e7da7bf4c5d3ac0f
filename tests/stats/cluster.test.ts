import { describe, expect, it } from "vitest";
import { clusteredMean } from "../../src/stats/cluster.ts";
import { expectClose, loadFixture } from "./fixture.ts";

describe("clusteredMean matches statsmodels' cluster-robust OLS intercept", () => {
  for (const c of loadFixture("cluster.json")) {
    it(JSON.stringify(c.args[1]) + ` n=${(c.args[0] as unknown[]).length}`, () => {
      const got = clusteredMean(...(c.args as Parameters<typeof clusteredMean>));
      const { interval, ...rest } = c.expected as Record<string, unknown>;
      expectClose(got, rest);
      // The t variant goes through scipy 1.10's t.ppf, itself good to ~1e-8 (fixture README).
      expectClose(got.interval, interval, (c.intervalTolerance as number | undefined) ?? 1e-9);
    });
  }
});

describe("clustered standard errors", () => {
  it("grow when correlated items share a cluster", () => {
    const values = [1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0];
    const independent = clusteredMean(values.map((value, i) => ({ value, cluster: i })));
    const clustered = clusteredMean(values.map((value, i) => ({ value, cluster: Math.floor(i / 4) })));
    expect(clustered.standardError).toBeGreaterThan(independent.standardError);
    expect(clustered.clusters).toBe(3);
    expect(clustered.interval[0]).toBeLessThan(clustered.mean);
  });

  it("one cluster gives NaN, not a false zero", () => {
    expect(
      clusteredMean([
        { value: 1, cluster: "a" },
        { value: 0, cluster: "a" },
      ]).standardError,
    ).toBeNaN();
  });
});
