// `--shard I/N`: the shards of a run split its items by a stable hash (every item in exactly
// one shard, the same split in any file order), register every item, and record the shard.
import Database from "better-sqlite3";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseShard, shardOf } from "../../src/merge/shard.ts";
import type { Provider } from "../../src/provider/types.ts";
import { runEval } from "../../src/run/run-eval.ts";
import { openStore } from "../../src/store/db.ts";
import { runProgress } from "../../src/store/run-progress.ts";
import { defineTask } from "../../src/suite/define-task.ts";
import { workspace } from "../helpers/workspace.ts";

const dir = workspace();
let dbs = 0;
const freshDb = () => join(dir, `shard-${++dbs}.db`);

const rows = Array.from({ length: 40 }, (_, i) => ({ id: `q${i}`, w: `word${i}` }));
const task = (items = rows) =>
  defineTask({
    suite: "s",
    id: "copy",
    items,
    exemplars: [{ w: "x" }, { w: "y" }],
    prompt: "Say {{w}}",
    target: "{{w}}",
    strategies: ["zero-shot", { name: "few-shot", k: 2 }],
    scorers: ["exact-match"],
  });

/** Says the word back, and remembers which items it was asked about. */
function parrot(seen: string[]): Provider {
  return {
    id: "test:parrot",
    async generate(prompt, _params, context) {
      seen.push(context.item);
      return { text: /Say (\S+)$/.exec(prompt.text)![1], finishReason: "stop", latencyMs: 1 };
    },
  };
}

function storedItems(db: string): { all: string[]; run: string[]; command: Record<string, unknown> } {
  const store = new Database(db, { readonly: true });
  try {
    return {
      all: store.prepare("SELECT item_key FROM items ORDER BY id").pluck().all() as string[],
      run: store
        .prepare("SELECT DISTINCT it.item_key FROM trials t JOIN items it ON it.id = t.item_id ORDER BY it.id")
        .pluck()
        .all() as string[],
      command: JSON.parse(store.prepare("SELECT command FROM runs").pluck().get() as string),
    };
  } finally {
    store.close();
  }
}

describe("assay run --shard I/N", () => {
  it("runs each item in exactly one of the shards, registers every item, and records the shard", async () => {
    const ran: string[][] = [];
    for (const i of [1, 2, 3]) {
      const seen: string[] = [];
      const db = freshDb();
      let total = -1;
      const reporter = { onRunStart: (e: { total: number }) => (total = e.total) };
      const result = await runEval({ db, tasks: [task()], models: [parrot(seen)], shard: `${i}/3`, reporter });
      expect(result.shard).toBe(`${i}/3`);
      const stored = storedItems(db);
      expect(stored.all).toEqual(rows.map((r) => r.id)); // the whole dataset, in file order
      expect(stored.command.shard).toBe(`${i}/3`);
      expect(stored.run).toEqual(rows.map((r) => r.id).filter((k) => shardOf("s", "copy", k, 3) === i));
      expect([...new Set(seen)].sort()).toEqual([...stored.run].sort());
      // Both strategies of each of its items, and a summary over its items only.
      expect(result.trials).toBe(stored.run.length * 2);
      expect(total).toBe(result.trials); // the progress bar's total is the shard's
      expect(result.results.map((r) => r.n)).toEqual([stored.run.length, stored.run.length]);
      // `assay runs` and the partial-run warnings count the shard's own trials as planned: a finished shard is complete.
      const store = openStore(db, { readonly: true });
      expect(runProgress(store, result.runId).get(result.runId)).toEqual({ trials: result.trials, errors: 0, planned: result.trials });
      store.close();
      ran.push(stored.run);
    }
    const all = ran.flat();
    expect(new Set(all).size).toBe(all.length);
    expect(all.sort()).toEqual(rows.map((r) => r.id).sort());
    expect(ran.every((r) => r.length > 0)).toBe(true);
  });

  it("splits by item key, not by position: a reordered dataset gives every item the same shard", async () => {
    const reversed = [...rows].reverse();
    const a = freshDb();
    const b = freshDb();
    await runEval({ db: a, tasks: [task()], models: [parrot([])], shard: "2/3" });
    await runEval({ db: b, tasks: [task(reversed)], models: [parrot([])], shard: "2/3" });
    expect(storedItems(b).run.sort()).toEqual(storedItems(a).run.sort());
  });

  it("--limit N takes the first N items, then splits them: the shards together run exactly those", async () => {
    const ran: string[] = [];
    for (const i of [1, 2, 3]) {
      const db = freshDb();
      const result = await runEval({ db, tasks: [task()], models: [parrot([])], shard: `${i}/3`, limit: 10 });
      const stored = storedItems(db);
      expect(stored.all).toEqual(rows.slice(0, 10).map((r) => r.id));
      expect(result.trials).toBe(stored.run.length * 2);
      ran.push(...stored.run);
    }
    expect(ran.sort()).toEqual(
      rows
        .slice(0, 10)
        .map((r) => r.id)
        .sort(),
    );
  });

  it("--resume keeps the run's shard and refuses another", async () => {
    const db = freshDb();
    const { runId } = await runEval({ db, tasks: [task()], models: [parrot([])], shard: "3/4" });
    await expect(runEval({ db, tasks: [task()], resume: runId, shard: "1/4" })).rejects.toThrow(
      `run ${runId} is shard 3/4; --shard 1/4 cannot change it`,
    );
    // A finished run resumed: nothing more runs, and in particular no other shard's item.
    const seen: string[] = [];
    const resumed = await runEval({ db, tasks: [task()], models: [parrot(seen)], resume: runId });
    expect(seen).toEqual([]);
    expect(resumed.shard).toBe("3/4");
    expect(storedItems(db).run).toEqual(rows.map((r) => r.id).filter((k) => shardOf("s", "copy", k, 4) === 3));
    // A run without a shard cannot be resumed as one.
    const plain = await runEval({ db, tasks: [task()], models: [parrot([])], limit: 3 });
    await expect(runEval({ db, tasks: [task()], resume: plain.runId, shard: "1/2" })).rejects.toThrow("is not sharded");
  });

  it("refuses a shard that is not I/N with 1 <= I <= N, before writing anything", async () => {
    for (const bad of ["0/3", "4/3", "1/0", "2", "a/b", "-1/3", "1.5/3"]) {
      const db = freshDb();
      await expect(runEval({ db, tasks: [task()], models: [parrot([])], shard: bad })).rejects.toThrow("--shard must be I/N");
      expect(existsSync(db)).toBe(false);
    }
    expect(parseShard(" 2 / 3 ")).toEqual({ index: 2, count: 3 });
  });
});
