// `assay merge` as a library: three shards merged equal the run done on one machine (exact
// match, corpus BLEU with its bootstrap interval, a pointwise judge, a pairwise judge with its
// ranking), merging again changes nothing, and shards that are not one run are refused.
import Database from "better-sqlite3";
import { copyFileSync, existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mergeShards } from "../../src/merge/merge-runs.ts";
import type { Provider } from "../../src/provider/types.ts";
import { runSummary } from "../../src/report/summary.ts";
import { runEval, type RunOptions } from "../../src/run/run-eval.ts";
import { openStore } from "../../src/store/db.ts";
import { defineTask } from "../../src/suite/define-task.ts";
import { fakeJudge } from "../run/fixtures/fake-judge.ts";
import { workspace } from "../helpers/workspace.ts";

const dir = workspace();
let dbs = 0;
const freshDb = () => join(dir, `merge-${++dbs}.db`);

const sentences = [
  "the cat sat on the mat",
  "a dog ran in the park today",
  "it is raining heavily now",
  "we will meet at noon tomorrow",
  "green ideas sleep furiously",
  "the quick brown fox jumps over the lazy dog",
  "she sells sea shells by the sea shore",
  "time flies like an arrow",
  "fruit flies like a banana",
  "all that glitters is not gold",
  "a stitch in time saves nine",
  "the early bird catches the worm",
];

const tasks = (edit: (text: string, i: number) => string = (t) => t) => [
  defineTask({
    suite: "m",
    id: "add",
    items: Array.from({ length: 24 }, (_, i) => ({ id: `i${i}`, a: i, b: 2 * i, answer: String(3 * i) })),
    prompt: "Q: {{a}} + {{b}}?\nA:",
    target: "{{answer}}",
    exemplars: [
      { a: 1, b: 1, answer: "2" },
      { a: 2, b: 3, answer: "5" },
      { a: 4, b: 4, answer: "8" },
    ],
    strategies: ["zero-shot", { name: "few-shot", k: 2 }],
    scorers: ["exact-match", { name: "judge", label: "correctness", model: "judge", rubric: "correctness" }],
    pairwise: { judge: { model: "judge", rubric: "preference", reference: true }, swap: true },
  }),
  defineTask({
    suite: "m",
    id: "copy",
    items: sentences.map((s, i) => ({ id: `s${i}`, text: edit(s, i) })),
    prompt: "Repeat: {{text}}",
    target: "{{text}}",
    scorers: ["bleu", "exact-match"],
  }),
];

/** A model right on some items and wrong on others (which depends on the model), deterministically. */
function candidate(id: string, wrongEvery: number): Provider {
  return {
    id,
    concurrency: 3,
    async generate(prompt, _params, context) {
      const n = Number(context.item.slice(1));
      const wrong = n % wrongEvery === 0;
      const sum = /Q: (\d+) \+ (\d+)\?\nA:$/.exec(prompt.text);
      if (sum) return { text: ` ${Number(sum[1]) + Number(sum[2]) + (wrong ? 1 : 0)}`, finishReason: "stop", latencyMs: 1 };
      const words = /Repeat: (.*)$/.exec(prompt.text)![1].split(" ");
      return { text: (wrong ? words.slice(1) : words).join(" "), finishReason: "stop", latencyMs: 1 };
    },
  };
}

/** Correctness: 5 when the response equals the reference; preference: the side that equals it. */
const judge = () =>
  fakeJudge({
    reply: (blocks, params) => {
      const schema = params.responseSchema as { properties: { verdict: { type: string } } };
      if (schema.properties.verdict.type !== "string") return undefined;
      const [, reference, a, b] = blocks.map((x) => x.trim());
      return {
        text: JSON.stringify({
          reasoning: "r",
          verdict: a === reference ? (b === reference ? "tie" : "A") : b === reference ? "B" : "tie",
        }),
      };
    },
  });

const run = (db: string, extra: Partial<RunOptions> = {}) =>
  runEval({ db, tasks: tasks(), models: [candidate("test:good", 5), candidate("test:bad", 2)], judgeModel: judge(), seed: 7, ...extra });

function summaryOf(path: string, runId: number) {
  const db = openStore(path, { readonly: true });
  try {
    return runSummary(db, runId, { seed: 7 });
  } finally {
    db.close();
  }
}

function count(path: string, sql: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).pluck().get() as number;
  } finally {
    db.close();
  }
}

async function threeShards(extra: Partial<RunOptions> = {}): Promise<string[]> {
  const shards = [freshDb(), freshDb(), freshDb()];
  for (let i = 0; i < 3; i++) await run(shards[i], { shard: `${i + 1}/3`, ...extra });
  return shards;
}

describe("assay merge", () => {
  it("merges 3 shards into a run whose summary equals the unsharded run's, and merging again changes nothing", async () => {
    const whole = freshDb();
    const one = await run(whole);
    const shards = await threeShards();
    const out = freshDb();
    const merged = mergeShards({ out, inputs: [shards[2], shards[0], shards[1]] });
    expect(merged).toMatchObject({ shards: 3, created: true, trials: one.trials });
    const expected = summaryOf(whole, one.runId);
    const got = summaryOf(out, merged.runId);
    // Every row and number: exact match, BLEU with its bootstrap interval, the judge's scores and
    // agreement, the pairwise tallies, Bradley-Terry ratings, ranks and their bootstrap intervals.
    expect(got).toEqual(expected);
    expect(expected.results.some((r) => r.metric === "bleu" && r.interval === "bootstrap")).toBe(true);
    expect(expected.results.find((r) => r.metric === "correctness")!.n).toBe(24);
    expect(expected.judges.pairwise.length).toBeGreaterThan(0);
    expect(expected.judges.rankings.length).toBe(4);
    for (const table of ["trials", "scores", "judgments", "pair_judgments", "items", "cache"])
      expect(count(out, `SELECT COUNT(*) FROM ${table}`), table).toBe(count(whole, `SELECT COUNT(*) FROM ${table}`));
    const command = JSON.parse(count(out, "SELECT command FROM runs") as unknown as string);
    expect(command).toMatchObject({ shards: 3, seed: 7 });
    expect(command.shard).toBeUndefined();

    // Again, with the shards in another order: the same merged run, no row added or changed.
    const before = statSync(out).size;
    const rows = count(out, "SELECT (SELECT COUNT(*) FROM runs) * 1000000 + (SELECT COUNT(*) FROM trials)");
    const again = mergeShards({ out, inputs: [shards[0], shards[1], shards[2]] });
    expect(again).toMatchObject({ runId: merged.runId, created: false, trials: one.trials });
    expect(count(out, "SELECT (SELECT COUNT(*) FROM runs) * 1000000 + (SELECT COUNT(*) FROM trials)")).toBe(rows);
    expect(statSync(out).size).toBe(before);
  });

  it("merges into a store that holds other runs, taking the newest sharded run of each shard store", async () => {
    const shards = await threeShards();
    // A shard store that also holds an older sharded run (a restored cache): the newest sharded run is taken.
    const first = freshDb();
    await run(first, { shard: "1/3", seed: 99, limit: 2 });
    await run(first, { shard: "1/3" });
    shards[0] = first;
    const busy = freshDb();
    await run(busy, { limit: 2 });
    const out = freshDb();
    copyFileSync(busy, out);
    const merged = mergeShards({ out, inputs: shards });
    expect(merged.runId).toBe(2);
    expect(count(out, "SELECT COUNT(*) FROM runs")).toBe(2);
  });

  it("refuses shards of different runs, naming each difference, and writes nothing", async () => {
    const shards = await threeShards();
    const otherSeed = freshDb();
    await run(otherSeed, { shard: "3/3", seed: 8 });
    const out = freshDb();
    expect(() => mergeShards({ out, inputs: [shards[0], shards[1], otherSeed] })).toThrow(/differs from .* in seed: 8 here, 7 there/);
    expect(existsSync(out)).toBe(false);

    const otherCount = freshDb();
    await run(otherCount, { shard: "2/2" });
    expect(() => mergeShards({ out, inputs: [shards[0], otherCount] })).toThrow(/in shard count: 2 here, 3 there/);

    expect(() => mergeShards({ out, inputs: [shards[0], shards[1]] })).toThrow("shard 3/3 missing");
    expect(() => mergeShards({ out, inputs: [shards[0], shards[1], shards[1], shards[2]] })).toThrow("shard 2/3 is given 2 times");

    const otherModels = freshDb();
    await runEval({ db: otherModels, tasks: tasks(), models: [candidate("test:good", 5)], judgeModel: judge(), seed: 7, shard: "3/3" });
    expect(() => mergeShards({ out, inputs: [shards[0], shards[1], otherModels] })).toThrow(/in --model/);

    const otherData = freshDb();
    const changed = tasks((s, i) => (i === 3 ? `${s}!` : s));
    await runEval({
      db: otherData,
      tasks: changed,
      models: [candidate("test:good", 5), candidate("test:bad", 2)],
      judgeModel: judge(),
      seed: 7,
      shard: "3/3",
    });
    expect(() => mergeShards({ out, inputs: [shards[0], shards[1], otherData] })).toThrow(/tasks \(suite, task, definition sha256\)/);

    const plain = freshDb();
    await run(plain, { limit: 1 });
    expect(() => mergeShards({ out, inputs: [plain] })).toThrow("holds no sharded run");
    expect(() => mergeShards({ out, inputs: [join(dir, "nope.db")] })).toThrow("database not found");
    expect(existsSync(out)).toBe(false);
    expect(() => mergeShards({ out: shards[0], inputs: shards })).toThrow("is both a shard and --out");
  });

  it("refuses a shard that did not finish", async () => {
    const shards = await threeShards();
    const db = new Database(shards[1]);
    db.prepare("UPDATE runs SET status = 'interrupted', stop_reason = 'interrupted by the user'").run();
    db.close();
    const out = freshDb();
    expect(() => mergeShards({ out, inputs: shards })).toThrow(/shard 2\/3\) is interrupted \(interrupted by the user\): finish it first/);
    expect(existsSync(out)).toBe(false);
  });
});
