import { describe, expect, it } from "vitest";
import { type PairwiseJudgment, bradleyTerry, bradleyTerryBootstrap } from "../../src/stats/bradley-terry.ts";
import { UserError } from "../../src/errors.ts";
import { expectClose, loadFixture } from "./fixture.ts";

const cases = loadFixture("bradley-terry.json");

describe("bradleyTerry equals an independent scipy.optimize fit of the same likelihood", () => {
  for (const c of cases) {
    it(String(c.name), () => {
      const got = bradleyTerry(...(c.args as Parameters<typeof bradleyTerry>));
      const expected = c.expected as Record<string, unknown>;
      expect(got.models).toEqual(expected.models);
      expectClose(got.logStrengths, expected.logStrengths, 1e-9);
      expectClose(got.ratings, expected.ratings, 1e-9);
      expectClose(got.logLikelihood, expected.logLikelihood, 1e-9);
    });
  }
});

describe("Bradley-Terry behaviour", () => {
  const judgments = cases.find((c) => String(c.name).startsWith("4 models"))!.args[0] as PairwiseJudgment[];

  it("ratings average 1000 by default and swapping a/b changes nothing", () => {
    const fit = bradleyTerry(judgments);
    const mean = Object.values(fit.ratings).reduce((s, x) => s + x, 0) / fit.models.length;
    expect(mean).toBeCloseTo(1000, 9);
    const swapped = judgments.map(
      (j) => ({ a: j.b, b: j.a, winner: j.winner === "a" ? "b" : j.winner === "b" ? "a" : "tie" }) as PairwiseJudgment,
    );
    expectClose(bradleyTerry(swapped).ratings, fit.ratings, 1e-9);
  });

  it("a 400-point gap means 10:1 odds", () => {
    const fit = bradleyTerry([
      ...Array.from({ length: 10 }, () => ({ a: "p", b: "q", winner: "a" }) as PairwiseJudgment),
      { a: "p", b: "q", winner: "b" },
    ]);
    expect(fit.ratings.p - fit.ratings.q).toBeCloseTo(400, 9);
  });

  it("refuses a sweep without a prior, accepts it with one", () => {
    const sweep: PairwiseJudgment[] = [
      { a: "x", b: "y", winner: "a" },
      { a: "x", b: "z", winner: "a" },
      { a: "y", b: "z", winner: "tie" },
    ];
    expect(() => bradleyTerry(sweep)).toThrow(UserError);
    expect(bradleyTerry(sweep, { prior: 1 }).ratings.x).toBeGreaterThan(1000);
  });

  it("bootstrap: same seed, same bytes; intervals contain the fit", () => {
    const one = bradleyTerryBootstrap(judgments, { seed: 9, iterations: 200 });
    const two = bradleyTerryBootstrap(judgments, { seed: 9, iterations: 200 });
    expect(JSON.stringify(one)).toBe(JSON.stringify(two));
    for (const m of one.fit.models) {
      expect(one.intervals[m][0]).toBeLessThanOrEqual(one.fit.ratings[m]);
      expect(one.intervals[m][1]).toBeGreaterThanOrEqual(one.fit.ratings[m]);
    }
    expect(one.skipped).toBeLessThan(200);
  });
});
