// Several `assay run` processes writing one database at once while readers list and show it:
// all succeed, and every run is done with all its trials, nothing lost or duplicated.
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import Database from "better-sqlite3";
import { assay, assayAsync, type CliResult } from "../helpers/cli.ts";
import { jsonl, workspace } from "../helpers/workspace.ts";

// Eight tasks: a writer creating its tasks meets other writers' trial batches, which is
// where a deferred transaction (read, then write) failed with "database is locked".
const tasks = 8;
const items = 150;
const suite = `suite: conc
tasks:
${Array.from(
  { length: tasks },
  (_, t) => `  - id: words${t}
    dataset: data/words.jsonl
    exemplars: data/pool.jsonl
    prompt: "Say {{w}} ${t}"
    target: "{{w}}"
    strategies: [zero-shot, { name: few-shot, k: 2 }]
    scorers: [includes, exact-match]
`,
).join("")}`;
const perRun = tasks * items * 2;

describe("processes sharing one database", () => {
  it("runs four writers at once beside a reader: all exit 0, every run done and complete", async () => {
    const dir = workspace({
      "suites/conc.yaml": suite,
      "suites/data/words.jsonl": jsonl(Array.from({ length: items }, (_, i) => ({ w: `word${i}` }))),
      "suites/data/pool.jsonl": jsonl([{ w: "x" }, { w: "y" }, { w: "z" }]),
    });
    // The store exists before the readers start (`show` and `runs` need one); the race on a
    // brand-new file is tested in tests/store/concurrency.test.ts.
    expect(assay(dir, "run", "words0", "--model", "echo", "--limit", "1").code).toBe(0);
    // Started a little apart, so that some create their tasks while others write trials.
    const results: Promise<CliResult>[] = [];
    for (let i = 0; i < 4; i++) {
      results.push(assayAsync(dir, ["run", "--model", "echo", "--no-cache"]).done);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    let running = true;
    const reads: CliResult[] = [];
    const reader = (async () => {
      while (running) {
        for (const args of [
          ["runs", "--json"],
          ["show", "--json"],
        ])
          reads.push(await assayAsync(dir, args).done);
      }
    })();
    const done = await Promise.all(results);
    running = false;
    await reader;
    for (const r of done) expect(r, r.stderr).toMatchObject({ code: 0 });
    expect(reads.length).toBeGreaterThan(0);
    for (const r of reads) expect(r.code, r.stderr).toBe(0);
    for (const r of reads.filter((_, i) => i % 2 === 0)) expect(Array.isArray(JSON.parse(r.stdout))).toBe(true);
    const db = new Database(join(dir, ".assay/assay.db"), { readonly: true });
    expect(db.prepare("SELECT id, status FROM runs ORDER BY id").all()).toEqual([1, 2, 3, 4, 5].map((id) => ({ id, status: "done" })));
    const stored = db
      .prepare(
        "SELECT m.run_id AS run, COUNT(*) AS trials, COUNT(DISTINCT t.item_id || '/' || t.strategy_id) AS distinct_trials FROM trials t JOIN models m ON m.id = t.model_id GROUP BY m.run_id ORDER BY m.run_id",
      )
      .all();
    expect(stored).toEqual([
      { run: 1, trials: 2, distinct_trials: 2 },
      ...[2, 3, 4, 5].map((run) => ({ run, trials: perRun, distinct_trials: perRun })),
    ]);
    expect(db.prepare("SELECT COUNT(*) FROM scores").pluck().get()).toBe(2 * (2 + 4 * perRun));
    expect(db.prepare("SELECT COUNT(*) FROM trials WHERE status = 'error'").pluck().get()).toBe(0);
    db.close();
  }, 120_000);
});
