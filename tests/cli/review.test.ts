// `assay review` end to end in real processes: create (with refusals at exit 2 and nothing
// written), raters add/list/remove, status and export after ratings made through the library.
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import Database from "better-sqlite3";
import { openStore } from "../../src/store/db.ts";
import { nextItem, submitRating } from "../../src/score/human/assign.ts";
import { raterByToken } from "../../src/score/human/raters.ts";
import { assay } from "../helpers/cli.ts";
import { jsonl, workspace } from "../helpers/workspace.ts";

const suite = `suite: qa
tasks:
  - id: add
    dataset: data/add.jsonl
    prompt: "What is {{a}} + {{b}}?"
    target: "{{sum}}"
    scorers: [exact-match]
`;
const items = Array.from({ length: 6 }, (_, i) => ({ id: `q${i}`, a: i, b: 1, sum: String(i + 1) }));
const outputs = items.map((it, i) => ({ task: "add", item: it.id, output: i % 3 === 0 ? "=HYPERLINK(1)" : it.sum }));

describe("assay review", () => {
  const dir = workspace({
    "suites/qa.yaml": suite,
    "suites/data/add.jsonl": jsonl(items),
    "out.jsonl": jsonl(outputs),
    "gold.jsonl": jsonl([{ task: "add", input: "What is 2 + 2?", output: "4", score: 5 }]),
    "badgold.jsonl": jsonl([
      { task: "add", input: "x", output: "y", score: 9 },
      { task: "ad", input: "x", output: "y", score: 1 },
    ]),
    "rubric.yaml": "title: Right?\nguidelines: Is the answer right?\nchoices: { wrong: 0, right: 1 }\n",
  });
  const db = join(dir, ".assay", "assay.db");
  const ran = assay(dir, "run", "--model", "replay:out.jsonl", "--model", "echo");
  const rows = (sql: string) => {
    const d = new Database(db, { readonly: true });
    try {
      return d.prepare(sql).pluck().get();
    } finally {
      d.close();
    }
  };

  it("creates a queue and prints it", () => {
    expect(ran.code, ran.stderr).toBe(0);
    const r = assay(
      dir,
      "review",
      "create",
      "first",
      "--run",
      "1",
      "--model",
      "replay:out.jsonl",
      "--gold",
      "gold.jsonl",
      "--raters-per-item",
      "2",
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("queue first (run 1, pointwise): 6 items + 1 gold, 2 raters per item, 12 ratings wanted");
    expect(r.stdout).toContain("rubric correctness: Correctness (1, 2, 3, 4, 5)");
    const p = assay(dir, "review", "create", "pairs", "--run", "1", "--mode", "pairwise", "--rubric", "preference");
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout).toContain("6 items, 3 raters per item");
    expect(p.stdout).toContain("(A, B or tie)");
  });

  it("refuses mistakes with exit 2, file:line for files, and writes nothing", () => {
    const before = rows("SELECT COUNT(*) FROM review_queues");
    const cases: [string[], RegExp][] = [
      [["--run", "7"], /no run 7/],
      [["--run", "1", "--model", "ech"], /did you mean "echo"/],
      [["--run", "1", "--raters-per-item", "0"], /--raters-per-item/],
      [["--run", "1", "--mode", "pairwise", "--policy", "uncertain"], /pairwise queue takes --policy all or random/],
      [["--run", "1", "--policy", "disagreement"], /needs a judge scorer/],
      [
        ["--run", "1", "--gold", "badgold.jsonl"],
        /badgold\.jsonl:1 score: 9 is not a point of rubric correctness[\s\S]*badgold\.jsonl:2 task: the run has no task "ad"/,
      ],
      [["--run", "1", "--rubric", "nope.yaml"], /nope\.yaml/],
      [["--run", "1", "--limit", "x"], /--limit takes a whole number/],
    ];
    for (const [args, message] of cases) {
      const r = assay(dir, "review", "create", "bad", ...args);
      expect(r.code, r.stdout).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/^\s+at /m);
    }
    expect(rows("SELECT COUNT(*) FROM review_queues")).toBe(before);
  });

  it("adds raters (the token printed once signs them in), lists and removes them", () => {
    const r = assay(dir, "review", "raters", "add", "ana");
    expect(r.code, r.stderr).toBe(0);
    const token = /\/login\?token=([A-Za-z0-9_-]{43})/.exec(r.stdout)![1];
    const store = openStore(db);
    expect(raterByToken(store, token)?.name).toBe("ana");
    store.close();
    expect(assay(dir, "review", "raters", "add", "ana").code).toBe(2);
    expect(assay(dir, "review", "raters", "add", "bo").code).toBe(0);
    expect(assay(dir, "review", "raters", "remove", "bo").code).toBe(0);
    const removed = assay(dir, "review", "raters", "remove", "boo");
    expect([removed.code, removed.stderr]).toEqual([2, 'error: no rater "boo"; did you mean "bo"?\n']);
    const list = assay(dir, "review", "raters", "list", "--json");
    expect(JSON.parse(list.stdout).map((x: { name: string; removed: boolean }) => [x.name, x.removed])).toEqual([
      ["ana", false],
      ["bo", true],
    ]);
    expect(assay(dir, "review", "raters", "list").stdout).toMatch(/^rater\s+added\s+status\s+ratings\n/);
  });

  it("prints status and exports ratings as JSONL, JSON and CSV", () => {
    const store = openStore(db);
    const raters = ["cy", "di"].map((name) => {
      const r = assay(dir, "review", "raters", "add", name);
      return raterByToken(store, /token=([A-Za-z0-9_-]{43})/.exec(r.stdout)![1])!;
    });
    for (const r of raters)
      for (let item = nextItem(store, "first", r.id); item; item = nextItem(store, "first", r.id))
        submitRating(store, {
          queue: "first",
          raterId: r.id,
          itemId: item.itemId,
          score: item.outputs[0] === "=HYPERLINK(1)" ? 1 : 5,
          comment: r.name === "di" ? "=1+1" : 'a, "b"',
        });
    store.close();
    const s = assay(dir, "review", "status", "first", "--resamples", "50");
    expect(s.code, s.stderr).toBe(0);
    expect(s.stdout).toContain("items: 6 complete, 0 partial, 0 untouched of 6; ratings 12 of 12");
    expect(s.stdout).toMatch(/cy\s+7\s+0\s+0\s+[\d.]+\s+1\/1/);
    expect(s.stdout).toContain("Krippendorff's alpha (ordinal): 1.000");
    const json = JSON.parse(assay(dir, "review", "status", "first", "--json", "--resamples", "50").stdout);
    expect(json.agreement.kappa[0]).toMatchObject({ raters: ["cy", "di"], kappa: 1, n: 6 });
    expect(json.raters.map((r: { gold: { correct: number } }) => r.gold.correct)).toEqual([1, 1]);

    const lines = assay(dir, "review", "export", "first")
      .stdout.trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(14);
    expect(lines[0]).toMatchObject({ queue: "first", task: "qa/add", model: "replay:out.jsonl", strategy: "zero-shot", comment: 'a, "b"' });
    expect(JSON.parse(assay(dir, "review", "export", "first", "--json").stdout)).toEqual(lines);
    const csv = assay(dir, "review", "export", "first", "--csv").stdout.split("\r\n");
    expect(csv[0]).toBe("queue,task,item,model,strategy,rater,score,comment,ms_on_page,created_at,gold");
    expect(csv.filter((l) => l.includes(",'=1+1,")).length).toBe(7); // a comment that would run as a formula is defused
    expect(csv[1]).toContain(',"a, ""b""",');
    expect(assay(dir, "review", "export", "nope").code).toBe(2);
    expect(assay(dir, "review", "status", "nope").stderr).toBe('error: no review queue "nope"\n');
  });
});
