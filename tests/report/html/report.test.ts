// The HTML report's data and file, without a browser: the leaderboard's numbers and marks,
// the embedding that data cannot break out of, and `assay report` as a process.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Provider } from "../../../src/provider/types.ts";
import { compareRuns } from "../../../src/report/compare.ts";
import { judgeTables } from "../../../src/report/judge-tables.ts";
import { showRun } from "../../../src/report/show-run.ts";
import { runEval } from "../../../src/run/run-eval.ts";
import { defineTask } from "../../../src/suite/define-task.ts";
import { fakeJudge } from "../../run/fixtures/fake-judge.ts";
import { meanWinRates } from "../../../src/report/html/analyses.ts";
import { type MetricBoard, markBest, reportData } from "../../../src/report/html/data.ts";
import { embedJson, escapeHtml } from "../../../src/report/html/escape.ts";
import { reportPage } from "../../../src/report/html/page.ts";
import Database from "better-sqlite3";
import { nextItem, submitRating } from "../../../src/score/human/assign.ts";
import { createQueue } from "../../../src/score/human/queue.ts";
import { addRater } from "../../../src/score/human/raters.ts";
import { openStore } from "../../../src/store/db.ts";
import { assay } from "../../helpers/cli.ts";
import { workspace } from "../../helpers/workspace.ts";
import { CORRECT, fixtureRun, HOSTILE, LATENCY } from "./fixture-run.ts";

const dir = workspace();
let db: string;
beforeAll(async () => {
  ({ db } = await fixtureRun(dir));
});

// Wilson 95% intervals of k/40, from Debian's python3 + scipy (z = norm.ppf(0.975)):
// (c - h, c + h) with c = (p + z²/2n)/(1 + z²/n), h = z·sqrt(p(1-p)/n + z²/4n²)/(1 + z²/n).
const WILSON = { 36: [0.769, 0.96], 34: [0.709, 0.929], 12: [0.181, 0.454], 10: [0.142, 0.402] } as const;

describe("reportData", () => {
  it("gives each (model, strategy) its pass rate and Wilson interval, best first, marked by interval overlap", () => {
    const store = openStore(db, { readonly: true });
    const data = reportData(store);
    store.close();
    expect(data.runs.map((r) => [r.id, r.models, r.strategies, r.suites.map((s) => s.suite), r.trials])).toEqual([
      [
        1,
        ["good", "poor"],
        [
          { name: "zero-shot", kind: "zero-shot" },
          { name: "terse", kind: "zero-shot" },
        ],
        ["html"],
        160,
      ],
    ]);
    expect(data.boards).toHaveLength(1);
    const rows = data.boards[0].rows;
    expect(rows.map((r) => `${r.model}/${r.strategy}`)).toEqual(["good/zero-shot", "good/terse", "poor/zero-shot", "poor/terse"]);
    for (const r of rows) {
      const k = CORRECT[`${r.model}/${r.strategy}` as keyof typeof CORRECT];
      expect(r.value).toBe(k / 40);
      expect(r.interval).toBe("wilson");
      expect(r.ci![0]).toBeCloseTo(WILSON[k][0], 3);
      expect(r.ci![1]).toBeCloseTo(WILSON[k][1], 3);
      expect([r.n, r.unscored, r.errors]).toEqual([40, 0, 0]);
    }
    // good/terse's [0.709, 0.929] overlaps good/zero-shot's [0.769, 0.960]; poor's intervals do not.
    expect(rows.map((r) => r.mark)).toEqual(["best", "tied", "", ""]);
    expect(data.trials.rows).toHaveLength(160);
  });

  it("a second run adds its rows to the same task's board, each row naming its run", async () => {
    const two = workspace();
    await fixtureRun(two);
    const { runId } = await fixtureRun(two);
    const store = openStore(join(two, "assay.db"), { readonly: true });
    const data = reportData(store, [1, runId]);
    store.close();
    expect(data.runs.map((r) => r.id)).toEqual([1, 2]);
    expect(data.boards[0].rows.map((r) => r.run).sort()).toEqual([1, 1, 1, 1, 2, 2, 2, 2]);
    expect(data.trials.rows).toHaveLength(320);
  });
});

const row = (value: number | null, ci: [number, number] | null) => ({
  run: 1,
  model: String(value),
  strategy: "s",
  value,
  ci,
  interval: "t" as const,
  n: 10,
  unscored: 0,
  errors: 0,
  noAnswer: 0,
  mark: "" as const,
});

describe("the views across rows", () => {
  it("sets each strategy against zero-shot with compare's paired statistics, ranks by mean win rate, and marks the latency Pareto front", () => {
    const store = openStore(db, { readonly: true });
    const data = reportData(store);
    const compared = compareRuns(store, { run: 1, model: "good", strategy: "zero-shot" }, { run: 1, model: "good", strategy: "terse" });
    store.close();
    // terse loses items i34 and i35 for both models and wins none: -2/40, exact McNemar p = 2 · 0.5² = 0.5.
    expect(data.effects.map((e) => [e.model, e.strategy, e.baseline, e.n, e.difference, e.pValue, e.test])).toEqual([
      ["good", "terse", "zero-shot", 40, -0.05, expect.closeTo(0.5, 12), "mcnemar-exact"],
      ["poor", "terse", "zero-shot", 40, -0.05, expect.closeTo(0.5, 12), "mcnemar-exact"],
    ]);
    expect(data.effects[0].ci).toEqual(compared[0].ci);
    // One task: each row beats the rows below it (HELM's mean win rate).
    expect(data.winRates.map((w) => [`${w.model}/${w.strategy}`, w.winRate])).toEqual([
      ["good/zero-shot", 1],
      ["good/terse", 2 / 3],
      ["poor/zero-shot", 1 / 3],
      ["poor/terse", 0],
    ]);
    // good is better but slower (20 ms against 5 ms): each model's zero-shot row is on the front.
    expect(data.tradeoffs[0].points.map((p) => [`${p.model}/${p.strategy}`, p.latencyMs, p.pareto])).toEqual([
      ["good/zero-shot", LATENCY.good, true],
      ["good/terse", LATENCY.good, false],
      ["poor/zero-shot", LATENCY.poor, true],
      ["poor/terse", LATENCY.poor, false],
    ]);
  });

  it("mean win rate averages over the tasks a row has, ties counting half", () => {
    const board = (task: string, values: [string, number][]): MetricBoard => ({
      task,
      metric: "m",
      higherIsBetter: true,
      rows: values.map(([model, value]) => ({ ...row(value, null), model })),
    });
    const rates = meanWinRates([
      board("t1", [
        ["a", 0.9],
        ["b", 0.5],
        ["c", 0.5],
      ]),
      board("t2", [
        ["a", 0.1],
        ["b", 0.7],
      ]),
    ]);
    // a: t1 2/2, t2 0/1 -> 0.5; b: t1 0.5/2, t2 1/1 -> 0.625; c: t1 0.5/2 -> 0.25.
    expect(rates.map((r) => [r.model, r.winRate, r.tasks])).toEqual([
      ["b", 0.625, 2],
      ["a", 0.5, 2],
      ["c", 0.25, 1],
    ]);
  });
});

describe("judges", () => {
  it("shows the judge tables as assay show prints them, and each judged trial's reasoning in the drill-down", async () => {
    const path = join(workspace(), "judged.db");
    const task = defineTask({
      suite: "t",
      id: "judged",
      items: [0, 1, 2, 3].map((i) => ({ id: `i${i}`, q: `question ${i}`, answer: `answer ${i}` })),
      prompt: "{{q}}",
      target: "{{answer}}",
      scorers: ["exact-match", { name: "judge", label: "correctness", model: "judge", rubric: "correctness" }],
    });
    const candidate: Provider = {
      id: "cand",
      async generate(_p, _params, context) {
        return {
          text: Number(context.item.slice(1)) % 2 ? "wrong" : `answer ${context.item.slice(1)}`,
          finishReason: "stop",
          latencyMs: 1,
        };
      },
    };
    await runEval({ db: path, tasks: [task], models: [candidate], judgeModel: fakeJudge(), cache: false });
    const store = openStore(path, { readonly: true });
    const data = reportData(store);
    const printed = judgeTables(showRun(store).results, showRun(store).judges, { width: 160 });
    store.close();
    expect(data.judgeText).toEqual([{ run: 1, text: printed }]);
    expect(printed).toContain("judges (mean on the rubric's scale");
    const reasons = data.trials.rows.map((r) => {
      const scores = r[12] as (number | null)[];
      const at = scores.findIndex((x, i) => i % 3 === 0 && data.trials.strings[x as number] === "correctness");
      return [scores[at + 1], data.trials.strings[scores[at + 2] as number]];
    });
    expect(reasons).toEqual([
      [1, "compared answer 0 with answer 0"],
      [0, "compared wrong with answer 1"],
      [1, "compared answer 2 with answer 2"],
      [0, "compared wrong with answer 3"],
    ]);
  });
});

describe("human ratings in the drill-down", () => {
  it("gives a rated trial its rater's current rating and comment, and a pairwise pair who was preferred", async () => {
    const here = workspace();
    const { db: path, runId } = await fixtureRun(here);
    const store = openStore(path);
    const q = createQueue(store, { name: "q1", run: runId, model: "poor", strategy: "terse", ratersPerItem: 1 });
    const p = createQueue(store, { name: "pairs", run: runId, mode: "pairwise", model: "good", ratersPerItem: 1 });
    const alice = addRater(store, "alice").rater;
    const item = nextItem(store, q.name, alice.id)!;
    submitRating(store, { queue: q.name, raterId: alice.id, itemId: item.itemId, score: 2, comment: "<b>meh</b>" });
    // A second output of the queue, rated without a comment.
    submitRating(store, { queue: q.name, raterId: alice.id, itemId: nextItem(store, q.name, alice.id)!.itemId, score: 4 });
    const pair = nextItem(store, p.name, alice.id)!;
    submitRating(store, { queue: p.name, raterId: alice.id, itemId: pair.itemId, preference: "A" });
    const shownFirst = store.prepare("SELECT first_trial FROM review_ratings WHERE item_id = ?").pluck().get(pair.itemId) as number;
    const trials = reportData(store).trials;
    store.close();
    const human = trials.rows
      .map((r) => ({ texts: (r[13] as number[]).map((i) => trials.strings[i]) }))
      .filter((r) => r.texts.length)
      .map((r) => r.texts.join(" / "));
    expect(human.sort()).toEqual(
      ["pairs · alice: other preferred", "pairs · alice: preferred", "q1 · alice: rated 2 (<b>meh</b>)", "q1 · alice: rated 4"].sort(),
    );
    // The output shown first (A) is the preferred one, whichever side of the item it was.
    const preferred = trials.rows.find((r) => (r[13] as number[]).some((i) => trials.strings[i] === "pairs · alice: preferred"))!;
    const sql = new Database(path, { readonly: true });
    const ids = sql.prepare("SELECT id FROM trials ORDER BY id").pluck().all() as number[];
    sql.close();
    expect(ids[trials.rows.indexOf(preferred)]).toBe(shownFirst);
  });
});

describe("markBest", () => {
  it("for a lower-is-better metric the lowest value is best", () => {
    const board: MetricBoard = {
      task: "t",
      metric: "perplexity",
      higherIsBetter: false,
      rows: [row(9, [8, 10]), row(null, null), row(3, [2.5, 3.5]), row(3.4, [3.2, 3.7])],
    };
    markBest(board);
    expect(board.rows.map((r) => [r.value, r.mark])).toEqual([
      [3, "best"],
      [3.4, "tied"],
      [9, ""],
      [null, ""],
    ]);
  });

  it("a best row without an interval ties only rows of exactly its value", () => {
    const board: MetricBoard = {
      task: "t",
      metric: "m",
      higherIsBetter: true,
      rows: [row(0.5, [0, 1]), row(0.7, null), row(0.7, [0.6, 0.8])],
    };
    markBest(board);
    expect(board.rows.map((r) => r.mark)).toEqual(["best", "tied", ""]);
  });
});

describe("the page", () => {
  it("embeds data that cannot end its script element or open a comment, and reads back unchanged", () => {
    const value = { s: [HOSTILE, "</SCRIPT >", "<!--", "\u2029"] };
    const json = embedJson(value);
    expect(json).not.toMatch(/</);
    expect(JSON.parse(json)).toEqual(value);
    expect(escapeHtml(`<b a="1">&'`)).toBe("&#60;b a=&#34;1&#34;&#62;&#38;&#39;");
  });

  it("holds the hostile output only in escaped form, with a CSP that allows no source but its own hashed script and style", () => {
    const store = openStore(db, { readonly: true });
    const html = reportPage(reportData(store));
    store.close();
    expect(html.match(/<script/g)).toHaveLength(2); // the data element and the page's own script
    expect(html).not.toContain("<!-- <img");
    expect(html).toContain("onerror");
    expect(html).toMatch(/default-src 'none'; script-src 'sha256-[^']+'; style-src 'sha256-[^']+'; img-src data:/);
    expect(html).not.toMatch(/https?:\/\//);
    // Deterministic: the same store gives the same bytes.
    const again = openStore(db, { readonly: true });
    expect(reportPage(reportData(again))).toBe(html);
    again.close();
  });
});

describe("assay report", () => {
  it("writes the newest run to reports/assay-report.html by default", () => {
    const r = assay(dir, "report", "--db", db);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^wrote reports\/assay-report\.html \(run 1, 160 trials, \d+ KB\)\n$/);
    expect(readFileSync(join(dir, "reports", "assay-report.html"), "utf8")).toContain("<title>assay report: run 1</title>");
  });

  it("a run that does not exist, or an empty database, is a user error and writes nothing", () => {
    const r = assay(dir, "report", "7", "--db", db, "--out", "out/x.html");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no run 7 in");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, "out"))).toBe(false);
    const empty = workspace();
    openStore(join(empty, "empty.db")).close();
    const e = assay(empty, "report", "--db", "empty.db", "--out", "x.html");
    expect(e.code).toBe(2);
    expect(e.stderr).toContain("no runs in the database");
    expect(readdirSync(empty).filter((f) => !f.startsWith("empty.db"))).toEqual([]);
  });

  it("an --out that is a directory, or under a file, is a user error", () => {
    const r = assay(dir, "report", "--db", db, "--out", "reports");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--out reports is a directory");
    const under = assay(dir, "report", "--db", db, "--out", "reports/assay-report.html/x.html");
    expect(under.code).toBe(2);
    expect(under.stderr).toMatch(/cannot write reports\/assay-report\.html\/x\.html: ENOTDIR|EEXIST/);
    expect(under.stderr).not.toMatch(/\n\s+at /);
  });

  it("warns on stderr when a run's numbers are partial, and says so in the page", async () => {
    const here = workspace();
    const { db: path } = await fixtureRun(here);
    const sql = new Database(path);
    sql.prepare("UPDATE runs SET status = 'interrupted', stop_reason = 'the disk was full'").run();
    sql.close();
    const r = assay(here, "report", "--db", path, "--out", "r.html");
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      "warning: run 1 was interrupted (the disk was full): its numbers are partial (160 of 160 planned trials so far); finish it with: assay run --resume 1\n",
    );
    expect(readFileSync(join(here, "r.html"), "utf8")).toContain('<p class="warning">run 1 was interrupted (the disk was full)');
  });

  it("a run id that is not a number is refused", () => {
    const r = assay(dir, "report", "first", "--db", db);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('runId takes a whole number, got "first"');
  });
});
