// stats/cross-table.ts, the figures calibrate's bootstrap recomputes from cross-tables: equal to
// agreement.ts on the rating lists (itself checked against sklearn / scipy / krippendorff), and to
// scipy's tau-b and rho on the fixture vectors.
import { describe, expect, it } from "vitest";
import { cohenKappa, kendallTau, krippendorffAlpha, percentAgreement, spearman } from "../../../src/stats/agreement.ts";
import {
  agreementFromTable,
  kappaFromTable,
  kendallTauBFromTable,
  ordinalAlphaFromTable,
  spearmanFromTable,
  type CrossTable,
} from "../../../src/stats/cross-table.ts";
import { seededRandom } from "../../../src/stats/random.ts";
import { expectClose, loadFixture } from "../../stats/fixture.ts";

/** The cross-table of two lists over the given ascending value sets. */
function table(x: number[], y: number[], rows: number[], cols: number[]): CrossTable {
  const counts = new Float64Array(rows.length * cols.length);
  for (let i = 0; i < x.length; i++) counts[rows.indexOf(x[i]) * cols.length + cols.indexOf(y[i])]++;
  return { rows: rows.length, cols: cols.length, counts };
}
const distinct = (v: number[]) => [...new Set(v)].sort((a, b) => a - b);
const close = (got: number, want: number) =>
  Number.isNaN(want) ? expect(got).toBeNaN() : expect(Math.abs(got - want)).toBeLessThan(1e-12);

describe("cross-table figures", () => {
  it("match scipy's spearmanr and kendalltau (tau-b) statistics to 1e-9", () => {
    const cases = loadFixture("agreement.json").filter((c) => c.fn === "kendallTau" || c.fn === "spearman");
    expect(cases.length).toBeGreaterThan(20);
    for (const c of cases) {
      const [x, y] = c.args as [number[], number[]];
      const t = table(x, y, distinct(x), distinct(y));
      const got = c.fn === "spearman" ? spearmanFromTable(t) : kendallTauBFromTable(t);
      expectClose(got, (c.expected as { statistic: number }).statistic, 1e-9, `${c.fn} ${JSON.stringify(x).slice(0, 40)}`);
    }
  });

  it("equal agreement.ts on random ratings with ties, unused labels and degenerate sides", () => {
    const r = seededRandom("cross-table");
    for (let t = 0; t < 300; t++) {
      const n = 1 + r.int(60);
      const labels = [1, 2, 3, 4, 5, 6, 7];
      const x = Array.from({ length: n }, () => (t % 17 === 0 ? 3 : 1 + r.int(5)));
      const y = Array.from({ length: n }, (_, i) => (t % 13 === 0 ? 4 : Math.min(7, x[i] + r.int(4))));
      const square = table(x, y, labels, labels);
      close(agreementFromTable(square), percentAgreement(x, y));
      for (const weights of ["none", "linear", "quadratic"] as const)
        close(kappaFromTable(square, weights), cohenKappa(x, y, { labels, weights }));
      let alpha = NaN;
      try {
        alpha = krippendorffAlpha([x, y], "ordinal");
      } catch {
        // one value only: undefined
      }
      close(ordinalAlphaFromTable(square), alpha);
      // Rank figures with a fractional first side (a judge's mean over samples).
      const raw = x.map((v) => v + r.int(3) / 3);
      const rank = table(raw, y, distinct(raw), labels);
      close(spearmanFromTable(rank), n < 2 ? NaN : spearman(raw, y).statistic);
      close(kendallTauBFromTable(rank), n < 2 ? NaN : kendallTau(raw, y).statistic);
    }
  });
});
