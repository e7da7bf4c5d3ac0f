import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { join } from "node:path";
import Database from "better-sqlite3";
import { runEval } from "../../src/run/run-eval.ts";
import { defineTask } from "../../src/suite/define-task.ts";
import { additionTask, arithmeticProvider } from "./fixtures/counting-provider.ts";
import { jsonl, workspace } from "../helpers/workspace.ts";

const dir = workspace();
let dbCount = 0;
const freshDb = () => join(dir, `run-${++dbCount}.db`);

describe("runEval", () => {
  it("runs every strategy, scores, stores and summarises with Wilson intervals", async () => {
    const db = freshDb();
    const provider = arithmeticProvider();
    const result = await runEval({
      db,
      tasks: [additionTask(20, ["zero-shot", { name: "few-shot", k: 2 }, "chain-of-thought"])],
      models: [provider],
    });
    expect(result.trials).toBe(60);
    expect(result.errors).toBe(0);
    const rows = result.results.map((r) => [r.strategy, r.metric, r.value, r.n, r.interval]);
    expect(rows).toEqual([
      ["zero-shot", "exact-match", 1, 20, "wilson"],
      ["few-shot", "exact-match", 1, 20, "wilson"],
      ["chain-of-thought", "exact-match", 1, 20, "wilson"],
    ]);
    expect(result.results[0].ci![0]).toBeCloseTo(0.8389, 3); // Wilson lower bound for 20/20
    const sql = new Database(db, { readonly: true });
    expect(sql.prepare("SELECT COUNT(*) FROM trials").pluck().get()).toBe(60);
    expect(sql.prepare("SELECT COUNT(*) FROM scores WHERE value = 1").pluck().get()).toBe(60);
    const cot = sql
      .prepare(
        "SELECT output, answer FROM trials JOIN strategies s ON s.id = strategy_id WHERE s.name = 'chain-of-thought' AND answer = '6'",
      )
      .get() as { output: string; answer: string };
    expect(cot.output).toBe(" 1 plus 2. The answer is 3.".replace("1 plus 2", "2 plus 4").replace("3.", "6."));
    const run = sql.prepare("SELECT * FROM runs").get() as { status: string; seed: number; assay_version: string };
    expect(run.status).toBe("done");
    expect(sql.prepare("SELECT name FROM run_templates ORDER BY name").pluck().all()).toEqual([
      "strategies/chain-of-thought.hbs",
      "strategies/few-shot.hbs",
      "strategies/zero-shot.hbs",
      "task:t/add:prompt",
      "task:t/add:target",
    ]);
    sql.close();
  });

  it("caches responses: a second identical run makes no calls; --no-cache calls again", async () => {
    const db = freshDb();
    const provider = arithmeticProvider();
    const task = additionTask(10, ["zero-shot", { name: "self-consistency", samples: 3 }]);
    await runEval({ db, tasks: [task], models: [provider] });
    expect(provider.calls).toHaveLength(40);
    const again = await runEval({ db, tasks: [task], models: [provider] });
    expect(provider.calls).toHaveLength(40);
    expect(again.trials).toBe(20);
    await runEval({ db, tasks: [task], models: [provider], cache: false });
    expect(provider.calls).toHaveLength(80);
    const other = await runEval({ db, tasks: [task], models: [provider], seed: 1 });
    // Greedy requests are cached whatever the seed; sampled ones are keyed by their seeds.
    expect(provider.calls).toHaveLength(110);
    expect(other.trials).toBe(20);
  });

  it("self-consistency draws distinct seeded samples and votes", async () => {
    const db = freshDb();
    const provider = arithmeticProvider();
    const result = await runEval({
      db,
      tasks: [additionTask(30, [{ name: "self-consistency", samples: 5 }])],
      models: [provider],
      cache: false,
    });
    const seeds = provider.calls.map((c) => c.params.seed);
    expect(new Set(seeds).size).toBe(150);
    expect(provider.calls.every((c) => c.params.temperature === 0.7)).toBe(true);
    // A sample is right 3 times in 5 (by its seed): the vote beats a single sample.
    const sql = new Database(db, { readonly: true });
    const single = sql
      .prepare(
        "SELECT AVG(g.answer = CAST(3 * CAST(substr(it.item_key, 2) AS INTEGER) AS TEXT)) FROM generations g JOIN trials t ON t.id = g.trial_id JOIN items it ON it.id = t.item_id",
      )
      .pluck()
      .get() as number;
    sql.close();
    expect(result.results[0].value!).toBeGreaterThan(single);
    const again = arithmeticProvider();
    await runEval({ db: freshDb(), tasks: [additionTask(30, [{ name: "self-consistency", samples: 5 }])], models: [again], cache: false });
    expect(again.calls.map((c) => c.params.seed)).toEqual(seeds);
  });

  it("retries transient failures and stores a trial that still fails as an error", async () => {
    const db = freshDb();
    const flaky = arithmeticProvider({ failFirst: 2 });
    const ok = await runEval({ db, tasks: [additionTask(3)], models: [flaky], retryBaseDelayMs: 1 });
    expect(ok.errors).toBe(0);
    expect(flaky.calls).toHaveLength(9);
    const sql = new Database(db, { readonly: true });
    expect(sql.prepare("SELECT attempts FROM calls").pluck().all()).toEqual([3, 3, 3]);
    sql.close();
    const fatal = arithmeticProvider({ id: "test:fatal", fatalOn: "i1" });
    const bad = await runEval({ db, tasks: [additionTask(3)], models: [fatal], retryBaseDelayMs: 1 });
    expect(bad.errors).toBe(1);
    expect(fatal.calls).toHaveLength(3);
    const sql2 = new Database(db, { readonly: true });
    const row = sql2.prepare("SELECT t.error, g.attempts FROM trials t JOIN calls g ON g.trial_id = t.id WHERE t.status = 'error'").get();
    sql2.close();
    expect(row).toEqual({ error: "HTTP 400: bad request", attempts: 1 });
    expect(bad.results[0]).toMatchObject({ n: 2, errors: 1, value: 1 });
  });

  it("counts outputs with no extractable answer and scores them", async () => {
    const provider = arithmeticProvider();
    const task = defineTask({
      suite: "t",
      id: "noanswer",
      items: [{ q: "x" }, { q: "y" }],
      prompt: "{{q}}",
      target: "1",
      strategies: ["chain-of-thought"],
      scorers: ["exact-match"],
    });
    const result = await runEval({ db: freshDb(), tasks: [task], models: [provider] });
    expect(result.results[0]).toMatchObject({ noAnswer: 2, n: 2, value: 0 });
  });

  it("averages repeated samples per item before the interval (t interval, n = items)", async () => {
    const task = defineTask({ ...additionTaskOptions(8), repeats: 3, strategies: [{ name: "zero-shot", generation: { temperature: 1 } }] });
    const result = await runEval({ db: freshDb(), tasks: [task], models: [arithmeticProvider()] });
    expect(result.trials).toBe(24);
    expect(result.results[0].n).toBe(8);
    expect(result.results[0].interval).toBe("t");
  });

  it("scores recorded outputs with the replay model; a missing line is an error trial naming it", async () => {
    const ws = workspace({
      "out.jsonl": jsonl([
        { task: "add", item: "i0", output: "0" },
        { task: "t/add", item: "i1", strategy: "zero-shot", output: "4" },
      ]),
    });
    const result = await runEval({ cwd: ws, db: freshDb(), tasks: [additionTask(3)], models: ["replay:out.jsonl"] });
    expect(result.results[0]).toMatchObject({ model: "replay:out.jsonl", n: 2, value: 0.5, errors: 1 });
    const sql = new Database(result.db, { readonly: true });
    expect(sql.prepare("SELECT error FROM trials WHERE status = 'error'").pluck().get()).toContain(
      'no recorded output for task "add", item "i2", strategy "zero-shot"',
    );
    sql.close();
  });

  it("resumes a run killed with SIGKILL without redoing or duplicating finished trials", async () => {
    const db = freshDb();
    const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "fixtures/slow-run.ts"), db], { stdio: "ignore" });
    let stored = 0;
    for (let i = 0; i < 400 && stored < 40; i++) {
      await new Promise((r) => setTimeout(r, 50));
      try {
        const sql = new Database(db, { readonly: true, fileMustExist: true });
        stored = sql.prepare("SELECT COUNT(*) FROM trials").pluck().get() as number;
        sql.close();
      } catch {
        /* not created yet */
      }
    }
    // While its process lives, the run cannot be resumed (taken over) by another.
    const live = await runEval({ db, resume: 1, tasks: [additionTask(300)], models: [arithmeticProvider()] }).then(
      () => "resumed",
      (e: Error) => e.message,
    );
    expect(live).toMatch(new RegExp(`^run 1 is still running in process ${child.pid} on `));
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    const sql = new Database(db);
    const before = sql.prepare("SELECT COUNT(*) FROM trials").pluck().get() as number;
    expect(sql.prepare("SELECT status FROM runs").pluck().get()).toBe("running");
    sql.close();
    expect(before).toBeGreaterThanOrEqual(40);
    expect(before).toBeLessThan(300);
    const provider = arithmeticProvider();
    const result = await runEval({ db, resume: 1, tasks: [additionTask(300)], models: [provider] });
    expect(provider.calls).toHaveLength(300 - before);
    expect(result.trials).toBe(300);
    expect(result.results[0]).toMatchObject({ n: 300, value: 1, errors: 0 });
    const after = new Database(db, { readonly: true });
    expect(after.prepare("SELECT COUNT(DISTINCT item_id) FROM trials").pluck().get()).toBe(300);
    expect(after.prepare("SELECT status FROM runs").pluck().get()).toBe("done");
    after.close();
  }, 60_000);

  it("rejects a resume whose task changed, or with other models", async () => {
    const db = freshDb();
    await runEval({ db, tasks: [additionTask(4)], models: [arithmeticProvider()] });
    await expect(runEval({ db, resume: 1, tasks: [additionTask(5)], models: [arithmeticProvider()] })).rejects.toThrow(
      /changed since the run started/,
    );
    await expect(runEval({ db, resume: 1, tasks: [additionTask(4)], models: [arithmeticProvider({ id: "other" })] })).rejects.toThrow(
      /resume it with the same models/,
    );
  });

  it("writes nothing to the database when the input is bad", async () => {
    const db = freshDb();
    const bad = defineTask({ suite: "t", id: "bad", items: [{ a: 1 }], prompt: "{{a}} {{b}}", target: "x", scorers: ["exact-match"] });
    await expect(runEval({ db, tasks: [bad], models: [arithmeticProvider()] })).rejects.toThrow(/template variable "b"/);
    await expect(runEval({ db, tasks: [additionTask(2)], models: ["nosuch:model"] })).rejects.toThrow(/unknown model "nosuch:model"/);
    const { existsSync } = await import("node:fs");
    expect(existsSync(db)).toBe(false);
  });
});

function additionTaskOptions(n: number) {
  return {
    suite: "t",
    id: "add",
    items: Array.from({ length: n }, (_, i) => ({ id: `i${i}`, a: i, b: 2 * i, answer: String(3 * i) })),
    prompt: "Q: {{a}} + {{b}}?\nA:",
    target: "{{answer}}",
    scorers: ["exact-match"],
  };
}

describe("warnings after a run", () => {
  it("lists replay lines no trial used, after a complete run only", async () => {
    const dir = workspace({
      "rec.jsonl": jsonl([
        { task: "add", item: "i0", output: " 0" },
        { task: "add", item: "i1", output: " 3" },
        { task: "gone", item: "i1", output: "x" },
      ]),
    });
    const warned: string[] = [];
    const result = await runEval({
      db: join(dir, "w.db"),
      cwd: dir,
      tasks: [additionTask(2)],
      models: ["replay:rec.jsonl"],
      reporter: { onWarning: (w) => warned.push(w) },
    });
    expect(result.warnings).toEqual(['replay rec.jsonl:3: task "gone" is not in this run']);
    expect(warned).toEqual(result.warnings);
    const limited = await runEval({ db: join(dir, "w.db"), cwd: dir, tasks: [additionTask(2)], models: ["replay:rec.jsonl"], limit: 1 });
    expect(limited.warnings).toEqual([]);
  });
});
