// Human ratings as the `human` metric of `assay show` and `--json`: normalised means clustered
// by output with a t interval, pairwise win rates with sides mapped to contestants, Bradley-Terry
// ranks; nothing for a run without a queue or a store older than schema 5.
import { tInterval } from "../../src/stats/intervals.ts";
import { beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { humanReport } from "../../src/report/human-summary.ts";
import { showRun } from "../../src/report/show-run.ts";
import { bradleyTerryBootstrap } from "../../src/stats/bradley-terry.ts";
import { openStore, type Db } from "../../src/store/db.ts";
import { assay } from "../helpers/cli.ts";
import { addItem, addQueue, addRater, rate, reviewedRun } from "../helpers/review-rows.ts";
import { workspace } from "../helpers/workspace.ts";

const dir = workspace();
let db: Db;
let path: string;
let runId: number;

// Rubric 1..5: a score s is (s - 1) / 4 normalised.
// test:x / zero-shot, three outputs: i0 rated 5 and 3 (1, 0.5: mean 0.75); i1 rated 5 then
// edited to 2 (0.25), and 1 by a rater who undid it; i2 rated 4, 4, and 2 -> undo -> 5
// (0.75, 0.75, 1: mean 5/6). A gold item rated 1 is left out.
// test:y / chain-of-thought, one output: i0 rated 3 (0.5). test:x / chain-of-thought: i1 rated
// 4 then undone, so it has no row.
function writePointwise(raters: number[], trial: (item: string, model: string, strategy: string) => number): void {
  const [r1, r2, r3] = raters;
  const queue = addQueue(db, runId, "helpful", "pointwise", [1, 2, 3, 4, 5]);
  const o1 = addItem(db, queue, trial("i0", "test:x", "zero-shot"));
  const o2 = addItem(db, queue, trial("i1", "test:x", "zero-shot"));
  const o3 = addItem(db, queue, trial("i2", "test:x", "zero-shot"));
  const o4 = addItem(db, queue, trial("i0", "test:y", "chain-of-thought"));
  const o5 = addItem(db, queue, trial("i1", "test:x", "chain-of-thought"));
  const gold = addItem(db, queue, trial("i3", "test:x", "zero-shot"), { gold: true });
  rate(db, o1, r1, { score: 5 });
  rate(db, o1, r2, { score: 3 });
  rate(db, o2, r1, { score: 5 });
  rate(db, o2, r1, { score: 2 });
  rate(db, o2, r2, { score: 1 });
  rate(db, o2, r2, { retraction: true });
  rate(db, o3, r1, { score: 4 });
  rate(db, o3, r2, { score: 4 });
  rate(db, o3, r3, { score: 2 });
  rate(db, o3, r3, { retraction: true });
  rate(db, o3, r3, { score: 5 });
  rate(db, o4, r2, { score: 3 });
  rate(db, o5, r1, { score: 4 });
  rate(db, o5, r1, { retraction: true });
  rate(db, gold, r1, { score: 1 });
}

// test:x / zero-shot (a: its name sorts first) against test:y / zero-shot, as shown to each rater.
// P1 (output_a = x): r1 A as shown (x), r2 A with output_b first (y), r3 tie -> a's mean 0.5.
// P2 (output_a = y): r1 B as shown (x), r2 A with output_b first (x) -> 1.
// P3 (output_a = x): r1 B (y) edited to A (x); r2 A then undone -> 1. Gold P4 left out.
// a: 4 wins, 1 loss, 1 tie over 6 ratings; win rate over items (0.5 + 1 + 1) / 3.
function writePairwise(raters: number[], trial: (item: string, model: string, strategy: string) => number): void {
  const [r1, r2, r3] = raters;
  const queue = addQueue(db, runId, "ab", "pairwise");
  const x = (i: string) => trial(i, "test:x", "zero-shot");
  const y = (i: string) => trial(i, "test:y", "zero-shot");
  const p1 = addItem(db, queue, x("i0"), { trialB: y("i0") });
  const p2 = addItem(db, queue, y("i1"), { trialB: x("i1") });
  const p3 = addItem(db, queue, x("i2"), { trialB: y("i2") });
  const gold = addItem(db, queue, y("i3"), { trialB: x("i3"), gold: true });
  rate(db, p1, r1, { preference: "A" });
  rate(db, p1, r2, { preference: "A", swapped: true });
  rate(db, p1, r3, { preference: "tie" });
  rate(db, p2, r1, { preference: "B" });
  rate(db, p2, r2, { preference: "A", swapped: true });
  rate(db, p3, r1, { preference: "B" });
  rate(db, p3, r1, { preference: "A" });
  rate(db, p3, r2, { preference: "A" });
  rate(db, p3, r2, { retraction: true });
  rate(db, gold, r1, { preference: "A" });
}

beforeAll(async () => {
  const stored = await reviewedRun(dir);
  ({ db, path, runId } = stored);
  const raters = ["ann", "bob", "cy"].map((n) => addRater(db, n));
  writePointwise(raters, stored.trial);
  writePairwise(raters, stored.trial);
  db.close();
  db = openStore(path, { readonly: true });
});

describe("the human metric", () => {
  it("averages each output's raters first, then takes a t interval over outputs", () => {
    const [helpful] = humanReport(db, runId).queues;
    expect(helpful).toMatchObject({
      queue: "helpful",
      mode: "pointwise",
      rubric: "helpfulness",
      scale: [1, 5],
      pairwise: [],
      rankings: [],
    });
    expect(helpful.rows).toHaveLength(2);
    const [x, y] = helpful.rows;
    expect(x).toMatchObject({ task: "t/add", model: "test:x", strategy: "zero-shot", metric: "human", n: 3, ratings: 6, raters: 3 });
    // (0.75 + 0.25 + 5/6) / 3, not the 0.708 of the six ratings pooled.
    expect(x.value).toBeCloseTo(0.6111111111111112, 12);
    // mean -/+ t * sem over the three outputs; with 2 degrees of freedom the t quantile is exactly
    // (2p - 1) / sqrt(2p(1 - p)) = 4.3026527297494638..., worked in 40-digit decimals in Python
    // (scipy's t.ppf is off by ~1e-8 here, see tests/fixtures/stats/README.md).
    const [lo, hi] = tInterval([0.75, 0.25, 5 / 6]);
    expect(lo).toBeCloseTo(-0.172621687965342, 14);
    expect(hi).toBeCloseTo(1.394843910187564, 14);
    // ... clipped to the values a mean of [0, 1] ratings can take.
    expect(x.ci).toEqual([0, 1]);
    expect(y).toEqual({
      task: "t/add",
      model: "test:y",
      strategy: "chain-of-thought",
      metric: "human",
      value: 0.5,
      ci: null,
      n: 1,
      ratings: 1,
      raters: 1,
    });
  });

  it("maps pairwise preferences from the side shown to the contestants, and ranks them", () => {
    const ab = humanReport(db, runId, { seed: 0 }).queues[1];
    expect(ab).toMatchObject({ queue: "ab", mode: "pairwise", rubric: "preference", scale: null, rows: [] });
    expect(ab.pairwise).toHaveLength(1);
    const [pair] = ab.pairwise;
    expect(pair).toMatchObject({
      task: "t/add",
      a: { model: "test:x", strategy: "zero-shot" },
      b: { model: "test:y", strategy: "zero-shot" },
      a_wins: 4,
      b_wins: 1,
      ties: 1,
      n: 6,
      items: 3,
      raters: 3,
    });
    expect(pair.a_win_rate).toBeCloseTo(2.5 / 3, 12);
    // Wilson's score interval for 2.5 of 3 (z = 1.959963984540054), computed by hand in Python.
    expect(pair.ci[0]).toBeCloseTo(0.3099881064419566, 12);
    expect(pair.ci[1]).toBeCloseTo(0.9823472057213466, 12);
    // Two contestants: the MLE gap is ln(4.5 / 1.5) (win credit, ties half), 200 log10(3) each side of 1000.
    expect(ab.rankings.map((r) => [r.rank, r.model, r.strategy, r.prior])).toEqual([
      [1, "test:x", "zero-shot", 0],
      [2, "test:y", "zero-shot", 0],
    ]);
    expect(ab.rankings[0].rating).toBeCloseTo(1095.4242509439325, 9);
    expect(ab.rankings[1].rating).toBeCloseTo(904.5757490560675, 9);
    // The bootstrap resamples the ratings in item, then rater order, seeded by the run's seed.
    const [x, y] = ["test:x\u0000zero-shot", "test:y\u0000zero-shot"];
    const games = [
      { a: x, b: y, winner: "a" as const },
      { a: x, b: y, winner: "b" as const },
      { a: x, b: y, winner: "tie" as const },
      { a: x, b: y, winner: "a" as const },
      { a: x, b: y, winner: "a" as const },
      { a: x, b: y, winner: "a" as const },
    ];
    const boot = bradleyTerryBootstrap(games, { seed: 0, iterations: 1000 });
    expect(ab.rankings[0].ci).toEqual(boot.intervals[x]);
    expect(ab.rankings[1].ci).toEqual(boot.intervals[y]);
  });

  it("is a block of `assay show` after the judges, and a `human` key of --json", () => {
    const text = assay(dir, "show", String(runId), "--db", path);
    expect(text.code).toBe(0);
    const lines = text.stdout.split("\n");
    const at = lines.findIndex((l) => l.startsWith("human ratings"));
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1].split(/\s{2,}/)).toEqual([
      "queue",
      "task",
      "model",
      "strategy",
      "metric",
      "value",
      "95% CI",
      "n",
      "ratings",
      "raters",
    ]);
    expect(lines[at + 3].split(/\s{2,}/)).toEqual([
      "helpful",
      "t/add",
      "test:x",
      "zero-shot",
      "human",
      "0.611",
      "[0.000, 1.000]",
      "3",
      "6",
      "3",
    ]);
    expect(lines[at + 4].split(/\s{2,}/)).toEqual(["helpful", "t/add", "test:y", "chain-of-thought", "human", "0.500", "-", "1", "1", "1"]);
    const pairs = lines.findIndex((l) => l.startsWith("human pairwise"));
    expect(lines[pairs + 3].split(/\s{2,}/)).toEqual([
      "ab",
      "t/add",
      "test:x / zero-shot",
      "test:y / zero-shot",
      "4",
      "1",
      "1",
      "6",
      "0.833",
      "[0.310, 0.982]",
    ]);
    const ranks = lines.findIndex((l) => l.startsWith("human rankings"));
    expect(lines[ranks + 3].split(/\s{2,}/).slice(0, 6)).toEqual(["ab", "t/add", "1", "test:x", "zero-shot", "1095.4"]);
    expect(lines[ranks + 4].split(/\s{2,}/).slice(0, 6)).toEqual(["ab", "t/add", "2", "test:y", "zero-shot", "904.6"]);

    const json = JSON.parse(assay(dir, "show", String(runId), "--db", path, "--json").stdout);
    expect(json.human.queues.map((q: { queue: string }) => q.queue)).toEqual(["helpful", "ab"]);
    expect(json.human.queues[0].rows[0]).toEqual({
      task: "t/add",
      model: "test:x",
      strategy: "zero-shot",
      metric: "human",
      value: expect.closeTo(0.6111111111111112, 12),
      ci: [0, 1],
      n: 3,
      ratings: 6,
      raters: 3,
    });
    expect(json.human.queues[1].pairwise[0]).toMatchObject({ a_wins: 4, b_wins: 1, ties: 1, items: 3 });
    expect(json.human.queues[1].rankings.map((r: { rank: number; model: string }) => [r.rank, r.model])).toEqual([
      [1, "test:x"],
      [2, "test:y"],
    ]);
  });

  it("is absent from a run without a queue: no block, an empty list in --json", async () => {
    const other = await reviewedRun(workspace(), 2);
    other.db.close();
    const text = assay(dir, "show", "--db", other.path);
    expect(text.code).toBe(0);
    expect(text.stdout).not.toContain("human");
    expect(JSON.parse(assay(dir, "show", "--db", other.path, "--json").stdout).human).toEqual({ queues: [] });
  });

  it("reads a store from before schema 5 (no review tables) as having no human ratings", () => {
    const old = join(workspace(), "v4.db");
    const raw = new Database(old);
    for (const m of ["001-init.sql", "002-owners-weights-targets.sql", "003-trial-calls.sql", "004-judgments.sql"])
      raw.exec(readFileSync(join(import.meta.dirname, "../../src/store/migrations", m), "utf8"));
    raw.pragma("user_version = 4");
    raw.exec(`INSERT INTO runs (id, created_at, status, assay_version, seed, command, node_version)
              VALUES (1, '2026-01-01T00:00:00.000Z', 'done', '0.0.9', 0, '{}', 'v20')`);
    raw.close();
    const store = openStore(old, { readonly: true });
    expect(humanReport(store, 1)).toEqual({ queues: [] });
    expect(showRun(store, 1).human).toEqual({ queues: [] });
    store.close();
  });
});
