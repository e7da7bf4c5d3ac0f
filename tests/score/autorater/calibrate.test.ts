// calibrate() against sklearn / scipy / krippendorff (tests/fixtures/stats/calibrate.json,
// written by scripts/stats-oracle/calibrate.py), and its bootstrap intervals' behaviour.
import { describe, expect, it } from "vitest";
import { calibrate, nearestPoint, type AgreementFigures, type CalibrationUnit } from "../../../src/score/autorater/calibrate.ts";
import { expectClose, loadFixture } from "../../stats/fixture.ts";

interface Expected {
  n: number;
  agreement: number;
  kappa: Record<string, number>;
  alpha: number;
  spearman: number;
  kendall: number;
  confusion: { labels: number[]; matrix: number[][] };
}

const cases = loadFixture("calibrate.json") as unknown as {
  name: string;
  points: number[] | null;
  units: CalibrationUnit[];
  expected: Expected & { unscored: number; judge_categorical: number[]; human_ceiling: Expected | null };
}[];

function expectFigures(got: AgreementFigures, want: Expected, where: string): void {
  expect(got.n, where).toBe(want.n);
  for (const key of ["agreement", "kappa", "alpha", "spearman", "kendall"] as const)
    expectClose(got[key], want[key], 1e-9, `${where}.${key}`);
  expect(got.confusion, where).toEqual(want.confusion);
}

describe("calibrate matches sklearn / scipy / krippendorff to 1e-9", () => {
  for (const c of cases) {
    it(c.name, () => {
      const got = calibrate(c.units, { points: c.points ?? undefined, resamples: 50 });
      expectFigures(got, c.expected, "judge");
      expect(got.unscored).toBe(c.expected.unscored);
      if (c.expected.human_ceiling === null) expect(got.human_ceiling).toBeNull();
      else expectFigures(got.human_ceiling!, c.expected.human_ceiling, "human_ceiling");
    });
  }

  it("rounds fractional judge scores as the oracle did (half to even on integer points)", () => {
    for (const c of cases) {
      if (!c.points) continue;
      const got = c.units.filter((u) => u.judge !== null).flatMap((u) => u.humans.map(() => nearestPoint(u.judge!, c.points!)));
      expect(got, c.name).toEqual(c.expected.judge_categorical);
    }
    expect([0.5, 1.5, 2.5, 3.5, 4.5].map((x) => nearestPoint(x, [0, 1, 2, 3, 4, 5]))).toEqual([0, 2, 2, 4, 4]);
    expect([0.25, 0.75, 0.2, 0.8].map((x) => nearestPoint(x, [0, 0.5, 1]))).toEqual([0.5, 1, 0, 1]);
  });
});

describe("calibrate intervals", () => {
  const c = cases.find((x) => x.name.startsWith("fractional"))!;
  const points = c.points!;

  it("are the same for the same seed, differ for another, and contain the estimate", () => {
    const a = calibrate(c.units, { points, seed: 7, resamples: 400 });
    const b = calibrate(c.units, { points, seed: 7, resamples: 400 });
    const other = calibrate(c.units, { points, seed: 8, resamples: 400 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(other.ci).not.toEqual(a.ci);
    for (const f of [a, a.human_ceiling!]) {
      const pairs: [number, [number, number]][] = [
        [f.agreement, f.ci.agreement],
        [f.kappa.unweighted, f.ci.kappa.unweighted],
        [f.kappa.linear, f.ci.kappa.linear],
        [f.kappa.quadratic, f.ci.kappa.quadratic],
        [f.alpha, f.ci.alpha],
        [f.spearman, f.ci.spearman],
        [f.kendall, f.ci.kendall],
      ];
      for (const [estimate, [lo, hi]] of pairs) {
        expect(lo).toBeLessThan(hi);
        expect(estimate).toBeGreaterThanOrEqual(lo);
        expect(estimate).toBeLessThanOrEqual(hi);
      }
    }
  });

  it("do not depend on the order of units or ratings", () => {
    const shuffled = [...c.units].reverse().map((u) => ({ ...u, humans: [...u.humans].reverse() }));
    expect(calibrate(shuffled, { points, resamples: 100 })).toEqual(calibrate(c.units, { points, resamples: 100 }));
  });

  it("move an item's units and ratings together: an item's two units resample as one", () => {
    // Per item, one model's judgment agrees with the human and the other's does not: drawn
    // together, every replicate agrees on exactly half its pairs; drawn apart, they would not.
    const units: CalibrationUnit[] = [];
    for (let i = 0; i < 12; i++) {
      const human = i % 2;
      units.push({ task: "s/t", item: String(i), model: "m1", strategy: "z", judge: human, humans: [{ rater: "r", score: human }] });
      units.push({ task: "s/t", item: String(i), model: "m2", strategy: "z", judge: 1 - human, humans: [{ rater: "r", score: human }] });
    }
    const got = calibrate(units, { points: [0, 1], resamples: 200 });
    expect([got.items, got.units, got.n]).toEqual([12, 24, 24]);
    expect(got.agreement).toBe(0.5);
    expect(got.ci.agreement).toEqual([0.5, 0.5]);
  });

  it("leaves unscored units out of n and counts them; their ratings still count between humans", () => {
    const units: CalibrationUnit[] = [
      {
        task: "s/t",
        item: "1",
        model: "m",
        strategy: "z",
        judge: null,
        humans: [
          { rater: "a", score: 1 },
          { rater: "b", score: 2 },
        ],
      },
      {
        task: "s/t",
        item: "2",
        model: "m",
        strategy: "z",
        judge: 2,
        humans: [
          { rater: "a", score: 2 },
          { rater: "b", score: 2 },
        ],
      },
      { task: "s/t", item: "3", model: "m", strategy: "z", judge: 1, humans: [{ rater: "a", score: 1 }] },
    ];
    const got = calibrate(units, { points: [1, 2], resamples: 20 });
    expect(got.unscored).toBe(1);
    expect(got.n).toBe(3);
    expect(got.units).toBe(2);
    expect(got.human_ceiling!.n).toBe(2);
    expect(got.human_ceiling!.agreement).toBe(0.5);
    expect(got.human_ceiling!.confusion).toEqual({
      labels: [1, 2],
      matrix: [
        [0, 1],
        [0, 1],
      ],
    });
  });

  it("human_ceiling is null without repeated ratings; JSON shows undefined figures as null", () => {
    const units: CalibrationUnit[] = [1, 1, 1].map((s, i) => ({
      task: "s/t",
      item: String(i),
      model: "m",
      strategy: "z",
      judge: 1,
      humans: [{ rater: "a", score: s }],
    }));
    const got = calibrate(units, { points: [1, 2, 3], resamples: 10 });
    expect(got.human_ceiling).toBeNull();
    const json = JSON.parse(JSON.stringify(got));
    expect(json.agreement).toBe(1);
    expect(json.spearman).toBeNull();
    expect(json.kendall).toBeNull();
    expect(json.ci.spearman).toEqual([null, null]);
  });

  it("refuses ratings off the scale, a rater twice on one unit, and non-finite scores", () => {
    const unit = (humans: { rater: string; score: number }[], judge: number | null = 1): CalibrationUnit => ({
      task: "s/t",
      item: "1",
      model: "m",
      strategy: "z",
      judge,
      humans,
    });
    expect(() => calibrate([unit([{ rater: "a", score: 6 }])], { points: [1, 2, 3, 4, 5] })).toThrow(/not one of 1, 2, 3, 4, 5/);
    expect(() =>
      calibrate([
        unit([
          { rater: "a", score: 1 },
          { rater: "a", score: 2 },
        ]),
      ]),
    ).toThrow(/rated it twice/);
    expect(() => calibrate([unit([{ rater: "a", score: 1 }], NaN)])).toThrow(/not a finite number/);
  });
});
