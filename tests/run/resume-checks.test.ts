// What a resumed run may not change, and options that make no sense, are user errors.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runEval } from "../../src/run/run-eval.ts";
import { additionTask, arithmeticProvider } from "./fixtures/counting-provider.ts";
import { workspace } from "../helpers/workspace.ts";

describe("resume checks", () => {
  it("refuses a --seed or --limit that differs from the run's, and accepts the same", async () => {
    const dir = workspace();
    const db = join(dir, "a.db");
    const task = additionTask(6);
    const controller = new AbortController();
    controller.abort();
    const first = await runEval({ db, tasks: [task], models: [arithmeticProvider()], seed: 3, limit: 4, signal: controller.signal });
    expect(first.interrupted).toBe(true);
    await expect(runEval({ db, tasks: [task], models: [arithmeticProvider()], resume: first.runId, seed: 5 })).rejects.toThrow(
      "run 1 used seed 3; --seed 5 cannot change it",
    );
    await expect(runEval({ db, tasks: [task], models: [arithmeticProvider()], resume: first.runId, limit: 6 })).rejects.toThrow(
      "run 1 used --limit 4; --limit 6 cannot change it",
    );
    const resumed = await runEval({ db, tasks: [task], models: [arithmeticProvider()], resume: first.runId, seed: 3 });
    expect(resumed.trials).toBe(4);
    expect(resumed.interrupted).toBe(false);
  });

  it("refuses a concurrency below 1", async () => {
    const dir = workspace();
    for (const concurrency of [0, -1, 1.5]) {
      await expect(
        runEval({ db: join(dir, "b.db"), tasks: [additionTask(2)], models: [arithmeticProvider()], concurrency }),
      ).rejects.toThrow(`concurrency must be a whole number of at least 1, got ${concurrency}`);
    }
  });
});
