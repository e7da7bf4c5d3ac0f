import { describe, expect, it } from "vitest";
import * as agreement from "../../src/stats/agreement.ts";
import { seededRandom } from "../../src/stats/random.ts";
import { expectClose, loadFixture } from "./fixture.ts";

const cases = loadFixture("agreement.json");
const fns = agreement as unknown as Record<string, (...args: unknown[]) => unknown>;

describe("agreement matches sklearn / scipy / krippendorff to 1e-9", () => {
  for (const c of cases) {
    it(`${c.fn} ${c.name ?? ""}(${JSON.stringify(c.args).slice(0, 60)})`, () => {
      expectClose(fns[c.fn](...c.args), c.expected, 1e-9, c.fn);
    });
  }

  it("Krippendorff (2011) worked example rounds to the paper's published values", () => {
    const data = cases.find((c) => c.name === "Krippendorff 2011 worked example")!.args[0] as (number | null)[][];
    const published = { nominal: 0.743, ordinal: 0.815, interval: 0.849, ratio: 0.797 } as const;
    for (const [level, value] of Object.entries(published)) {
      expect(agreement.krippendorffAlpha(data, level as agreement.KrippendorffLevel).toFixed(3)).toBe(value.toFixed(3));
    }
  });
});

describe("agreement properties", () => {
  const r = seededRandom("agreement-properties");
  it("kappa and alpha are 1 on identical ratings; tau and rho are 1 on identical rankings", () => {
    for (let t = 0; t < 50; t++) {
      const n = 5 + r.int(40);
      const a = Array.from({ length: n }, () => 1 + r.int(5));
      if (new Set(a).size < 2) continue;
      for (const weights of ["none", "linear", "quadratic"] as const) expect(agreement.cohenKappa(a, a, { weights })).toBeCloseTo(1, 12);
      for (const level of ["nominal", "ordinal", "interval", "ratio"] as const)
        expect(agreement.krippendorffAlpha([a, a, a], level)).toBeCloseTo(1, 12);
      expect(agreement.spearman(a, a).statistic).toBeCloseTo(1, 12);
      expect(agreement.kendallTau(a, a).statistic).toBeCloseTo(1, 12);
      expect(agreement.percentAgreement(a, a)).toBe(1);
    }
  });

  it("correlations are symmetric and in [-1, 1]; p-values in [0, 1]", () => {
    for (let t = 0; t < 30; t++) {
      const n = 3 + r.int(60);
      const x = Array.from({ length: n }, () => r.int(6));
      const y = Array.from({ length: n }, () => r.int(6));
      for (const f of [agreement.spearman, agreement.kendallTau]) {
        const a = f(x, y);
        const b = f(y, x);
        if (Number.isNaN(a.statistic)) continue;
        expect(a.statistic).toBeCloseTo(b.statistic, 12);
        expect(Math.abs(a.statistic)).toBeLessThanOrEqual(1);
        expect(a.pValue >= 0 && a.pValue <= 1).toBe(true);
      }
    }
  });

  it("errors on mismatched lengths and degenerate alpha input", () => {
    expect(() => agreement.cohenKappa([1], [1, 2])).toThrow(RangeError);
    expect(() =>
      agreement.krippendorffAlpha([
        [1, 1],
        [1, 1],
      ]),
    ).toThrow(RangeError);
    expect(() =>
      agreement.krippendorffAlpha([
        [1, null],
        [null, 2],
      ]),
    ).toThrow(RangeError);
    expect(() =>
      agreement.krippendorffAlpha(
        [
          ["a", "b"],
          ["a", "b"],
        ],
        "interval",
      ),
    ).toThrow(RangeError);
  });
});
