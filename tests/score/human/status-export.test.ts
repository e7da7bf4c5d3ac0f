// queueStatus and exportRatings on real ratings: figures checked against sklearn (kappa, run
// here with /usr/bin/python3), the tested alpha and calibrate(), and counts worked by hand.
import { beforeAll, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Db } from "../../../src/store/db.ts";
import { addRater } from "../../../src/score/human/raters.ts";
import { createQueue } from "../../../src/score/human/queue.ts";
import { nextItem, skipItem, submitRating, undoLast } from "../../../src/score/human/assign.ts";
import { queueStatus } from "../../../src/score/human/status.ts";
import { exportRatings } from "../../../src/score/human/export.ts";
import { krippendorffAlpha } from "../../../src/stats/agreement.ts";
import { wilsonInterval } from "../../../src/stats/intervals.ts";
import { calibrate, type CalibrationUnit } from "../../../src/score/autorater/calibrate.ts";
import { jsonl } from "../../helpers/workspace.ts";
import { reviewRun } from "./review-run.ts";

let db: Db;
let runId: number;
let dir: string;
beforeAll(async () => {
  ({ db, runId, dir } = await reviewRun(9));
});

// Scores by the item's place among the queue's non-gold items; cy rates only the first six.
const scores: Record<string, number[]> = {
  ana: [5, 4, 5, 1, 2, 5, 3, 1, 5],
  bo: [5, 5, 4, 1, 1, 5, 3, 2, 5],
  cy: [4, 4, 5, 2, 2, 5],
};
const goldAnswer: Record<string, number> = { ana: 1, bo: 5, cy: 1 };

describe("queueStatus (pointwise)", () => {
  let order: number[];
  beforeAll(() => {
    writeFileSync(join(dir, "g.jsonl"), jsonl([{ task: "add", input: "What is 2 + 2?", output: "5", reference: "4", score: 1 }]));
    const q = createQueue(db, { name: "st", run: runId, cwd: dir, model: "replay:out.jsonl", strategy: "zero-shot", gold: "g.jsonl" });
    order = db.prepare("SELECT id FROM review_items WHERE queue_id = ? AND gold = 0 ORDER BY position").pluck().all(q.id) as number[];
    let t = 1_000;
    for (const name of ["ana", "bo", "cy"]) {
      const rater = addRater(db, `st-${name}`).rater;
      for (let item = nextItem(db, "st", rater.id, t); item; item = nextItem(db, "st", rater.id, t)) {
        const at = order.indexOf(item.itemId);
        if (at >= scores[name].length) {
          skipItem(db, { queue: "st", raterId: rater.id, itemId: item.itemId, now: t });
          continue;
        }
        const score = at < 0 ? goldAnswer[name] : scores[name][at];
        // cy first submits a wrong score on their first item, undoes it and rates again.
        if (name === "cy" && at === 0) {
          submitRating(db, { queue: "st", raterId: rater.id, itemId: item.itemId, score: 1, now: (t += 1000) });
          undoLast(db, { queue: "st", raterId: rater.id, now: t });
          nextItem(db, "st", rater.id, t);
        }
        submitRating(db, {
          queue: "st",
          raterId: rater.id,
          itemId: item.itemId,
          score,
          comment: `${name} ${at}`,
          now: (t += 1000 * (at + 2)),
        });
      }
    }
  });

  it("counts progress per rater and per item, with gold accuracy and its Wilson interval", () => {
    const s = queueStatus(db, "st", { seed: 1, resamples: 200, now: 0 });
    expect(s.items).toEqual({ total: 9, complete: 6, partial: 3, untouched: 0 });
    expect(s.ratings).toEqual({ done: 24, wanted: 27 });
    expect(s.raters.map((r) => [r.rater, r.rated, r.skipped, r.reserved])).toEqual([
      ["st-ana", 10, 0, 0],
      ["st-bo", 10, 0, 0],
      ["st-cy", 7, 3, 0],
    ]);
    expect(s.raters[0].gold).toEqual({ n: 1, correct: 1, accuracy: 1, ci: wilsonInterval(1, 1) });
    expect(s.raters[1].gold).toEqual({ n: 1, correct: 0, accuracy: 0, ci: wilsonInterval(0, 1) });
    expect(s.raters.every((r) => r.medianMs !== null && r.medianMs > 0)).toBe(true);
  });

  it("gives alpha (ordinal) over raters x items and kappa per pair as sklearn computes it", () => {
    const s = queueStatus(db, "st", { seed: 1, resamples: 200 });
    expect(s.agreement.level).toBe("ordinal");
    const cy = [...scores.cy, null, null, null];
    expect(s.agreement.alpha!.value).toBeCloseTo(krippendorffAlpha([scores.ana, scores.bo, cy], "ordinal"), 12);
    expect(s.agreement.alpha!.n).toBe(9);
    const [lo, hi] = s.agreement.alpha!.ci;
    expect(lo).toBeLessThanOrEqual(s.agreement.alpha!.value);
    expect(hi).toBeGreaterThanOrEqual(s.agreement.alpha!.value);
    // /usr/bin/python3: sklearn.metrics.cohen_kappa_score(x, y, labels=[1, 2, 3, 4, 5])
    expect(s.agreement.kappa.map((k) => [k.raters.join(" "), k.n])).toEqual([
      ["st-ana st-bo", 9],
      ["st-ana st-cy", 6],
      ["st-bo st-cy", 6],
    ]);
    expect(s.agreement.kappa[0].kappa).toBeCloseTo(0.3793103448275861, 12);
    expect(s.agreement.kappa[1].kappa).toBeCloseTo(0.5384615384615384, 12);
    expect(s.agreement.kappa[2].kappa).toBeCloseTo(-0.07142857142857162, 12);
    // Seeded: the same figures twice.
    expect(queueStatus(db, "st", { seed: 1, resamples: 200 }).agreement).toEqual(s.agreement);
  });

  it("compares the judge with the humans through calibrate() on the judge's scale", () => {
    const s = queueStatus(db, "st", { seed: 2, resamples: 300 });
    const units: CalibrationUnit[] = order.map((itemId, at) => {
      const row = db
        .prepare(
          `SELECT it.item_key AS item, s.value FROM review_items i JOIN trials t ON t.id = i.trial_a JOIN items it ON it.id = t.item_id
           JOIN scores s ON s.trial_id = t.id JOIN scorers sc ON sc.id = s.scorer_id AND sc.name = 'grader' WHERE i.id = ?`,
        )
        .get(itemId) as { item: string; value: number };
      const humans = ["ana", "bo", "cy"].filter((n) => at < scores[n].length).map((n) => ({ rater: `st-${n}`, score: scores[n][at] }));
      return {
        task: "qa/add",
        item: row.item,
        model: "replay:out.jsonl",
        strategy: "zero-shot",
        judge: Number((1 + 4 * row.value).toPrecision(12)),
        humans,
      };
    });
    const expected = calibrate(units, { points: [1, 2, 3, 4, 5], seed: 2, resamples: 300 });
    expect(s.judges).toEqual([{ judge: "grader", calibration: expected }]);
    expect(expected.n).toBe(24);
  });

  it("exports one record per current rating, and every row with --all", () => {
    const records = [...exportRatings(db, "st")];
    expect(records).toHaveLength(27);
    const first = records.find((r) => r.rater === "st-cy" && !r.gold && r.comment === "cy 0")!;
    expect(Object.keys(first)).toEqual([
      "queue",
      "task",
      "item",
      "model",
      "strategy",
      "rater",
      "score",
      "comment",
      "ms_on_page",
      "created_at",
      "gold",
    ]);
    expect(first).toMatchObject({ queue: "st", task: "qa/add", model: "replay:out.jsonl", strategy: "zero-shot", score: 4, gold: false });
    const gold = records.filter((r) => r.gold);
    expect(gold.map((r) => [r.rater, r.score, r.item, r.model])).toEqual([
      ["st-ana", 1, null, null],
      ["st-bo", 5, null, null],
      ["st-cy", 1, null, null],
    ]);
    const all = [...exportRatings(db, "st", { all: true })];
    expect(all).toHaveLength(29);
    const retraction = all.find((r) => r.kind === "retraction")!;
    expect(all.find((r) => r.id === retraction.supersedes)).toMatchObject({ rater: "st-cy", score: 1, kind: "rating" });
  });
});

describe("queueStatus and export (pairwise)", () => {
  it("maps preferences from the side shown to the stored sides before agreement and tallies", () => {
    createQueue(db, { name: "pw", run: runId, mode: "pairwise", strategy: "zero-shot", ratersPerItem: 2 });
    const raters = [addRater(db, "pw-1").rater, addRater(db, "pw-2").rater];
    const shownFirst: Record<string, "replay" | "echo"> = {};
    let first = true;
    let t = 5_000_000;
    for (const r of raters) {
      for (let item = nextItem(db, "pw", r.id, t); item; item = nextItem(db, "pw", r.id, t)) {
        // Both prefer the replay model's output (the one not echoing the prompt); pw-2 calls the first item a tie.
        const replayShownFirst = !item.outputs[0].startsWith("What is");
        shownFirst[`${r.name} ${item.itemId}`] = replayShownFirst ? "replay" : "echo";
        const preference = r.name === "pw-2" && first ? "tie" : replayShownFirst ? "A" : "B";
        if (r.name === "pw-2") first = false;
        expect(submitRating(db, { queue: "pw", raterId: r.id, itemId: item.itemId, preference, now: (t += 1000) })).toBe("recorded");
      }
    }
    const sides = Object.values(shownFirst);
    expect(sides).toContain("replay");
    expect(sides).toContain("echo");
    const s = queueStatus(db, "pw", { resamples: 100 });
    expect(s.agreement.level).toBe("nominal");
    // Stored A is echo ("echo zero-shot" sorts first): pw-1 says B nine times, pw-2 tie once and B eight times.
    // sklearn cohen_kappa_score(["B"] * 9, ["tie"] + ["B"] * 8, labels=["A", "B", "tie"]) == 0.0
    expect(s.agreement.kappa).toHaveLength(1);
    expect(s.agreement.kappa[0].kappa).toBe(0);
    const replay = s.contestants.find((c) => c.model === "replay:out.jsonl")!;
    const echo = s.contestants.find((c) => c.model === "echo")!;
    expect([replay.n, replay.wins, replay.losses, replay.ties]).toEqual([18, 17, 0, 1]);
    expect([echo.n, echo.wins, echo.losses, echo.ties]).toEqual([18, 0, 17, 1]);
    expect(replay.winRate).toBeCloseTo(17.5 / 18, 12);
    expect(replay.rating!).toBeGreaterThan(echo.rating!);
    expect(s.judges).toEqual([]);

    for (const rec of exportRatings(db, "pw")) {
      const itemId = db
        .prepare("SELECT r.item_id FROM review_ratings r JOIN review_raters x ON x.id = r.rater_id WHERE x.name = ? AND r.created_at = ?")
        .pluck()
        .get(rec.rater, rec.created_at) as number;
      expect(rec.a!.model).toBe(shownFirst[`${rec.rater} ${itemId}`] === "replay" ? "replay:out.jsonl" : "echo");
      expect(Object.keys(rec)).toEqual([
        "queue",
        "task",
        "item",
        "rater",
        "preference",
        "a",
        "b",
        "comment",
        "ms_on_page",
        "created_at",
        "gold",
      ]);
    }
  });
});
