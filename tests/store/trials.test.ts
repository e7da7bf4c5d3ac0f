import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { trialWriter, type TrialRecord } from "../../src/store/trials.ts";
import { storeWithTask } from "../helpers/store-task.ts";
import { workspace } from "../helpers/workspace.ts";

describe("trial writer", () => {
  it("stores every generation's prompt text, a prompt repeated nearby once", () => {
    const { db, modelId, strategyId, scorerId, itemIds } = storeWithTask(join(workspace(), "w.db"), 4);
    const trial = (item: string, sample: number, prompts: [string, string?][]): TrialRecord => ({
      itemId: itemIds[Number(item)],
      strategyId,
      modelId,
      sample,
      status: "done",
      output: "o",
      answer: "o",
      generations: prompts.map(([text, system], idx) => ({
        idx,
        promptText: text,
        system,
        output: "o",
        answer: "o",
        cached: false,
        attempts: 1,
      })),
      scores: [{ scorerId, value: 1 }],
    });
    const write = trialWriter(db);
    write([trial("1", 0, [["p1"], ["p1"], ["p1", "sys"]]), trial("1", 1, [["p1"]])]);
    write([trial("2", 0, [["p2"]]), trial("3", 0, [["p1"]])]);
    const rows = db
      .prepare("SELECT g.trial_id, g.idx, p.text, p.system FROM calls g JOIN prompts p ON p.id = g.prompt_id ORDER BY g.trial_id, g.idx")
      .all() as { text: string; system: string | null }[];
    expect(rows.map((r) => [r.text, r.system])).toEqual([
      ["p1", null],
      ["p1", null],
      ["p1", "sys"],
      ["p1", null],
      ["p2", null],
      ["p1", null],
    ]);
    expect(db.prepare("SELECT text, system FROM prompts ORDER BY id").all()).toEqual([
      { text: "p1", system: null },
      { text: "p1", system: "sys" },
      { text: "p2", system: null },
    ]);
    expect(db.prepare("SELECT COUNT(*) FROM scores").pluck().get()).toBe(4);
    // A trial whose one call gave its output keeps the call on its own row; several calls go to generations.
    expect(db.prepare("SELECT trial_id, COUNT(*) AS n FROM generations GROUP BY trial_id").all()).toEqual([{ trial_id: 1, n: 3 }]);
    db.close();
  });
});
