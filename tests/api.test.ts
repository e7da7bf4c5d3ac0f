// The public API: a user's script imports "assay" and runs an evaluation in code, then does
// what each CLI command does through the same library functions.
import { describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { join } from "node:path";
import * as assay from "../src/index.ts";
import { workspace } from "./helpers/workspace.ts";

describe("public API", () => {
  it("defines a task in code, runs it and reads the summary back from the store", async () => {
    const task = assay.defineTask({
      id: "capitals",
      items: [
        { country: "France", city: "Paris" },
        { country: "Japan", city: "Tokyo" },
      ],
      prompt: "The capital of {{country}} is",
      target: "{{city}}",
      scorers: ["includes"],
    });
    const db = join(workspace(), "api.db");
    const oracle: assay.Provider = {
      id: "test:oracle",
      generate: async (p) => ({ text: p.text.includes("France") ? " Paris." : " Kyoto.", finishReason: "stop", latencyMs: 0 }),
    };
    const result = await assay.runEval({ db, tasks: [task], models: [oracle] });
    expect(result.results).toHaveLength(1);
    expect(result.results[0]).toMatchObject({ task: "code/capitals", model: "test:oracle", metric: "includes", value: 0.5, n: 2 });
    const store = assay.openStore(db);
    expect(assay.runSummary(store, result.runId).results).toEqual(result.results);
    store.close();
    expect(assay.summaryTable(result.results)).toContain("code/capitals");
    expect(assay.stats.wilsonInterval(1, 2)).toEqual(result.results[0].ci);
  });

  it("exports every command's library function: runs, show, show --items, export, compare, init", async () => {
    const task = assay.defineTask({
      id: "copy",
      items: [
        { id: "a", w: "alpha" },
        { id: "b", w: "beta" },
        { id: "c", w: "gamma" },
      ],
      exemplars: [{ w: "x" }],
      prompt: "Say {{w}}",
      target: "{{w}}",
      strategies: ["zero-shot", { name: "few-shot", k: 1 }],
      scorers: ["includes", "exact-match"],
    });
    const dir = workspace();
    const path = join(dir, "cmds.db");
    const { runId } = await assay.runEval({ db: path, tasks: [task], models: ["echo"] });
    const db = assay.openStore(path, { readonly: true });
    try {
      expect(assay.listRuns(db).map((r) => r.id)).toEqual([runId]);
      const run = assay.getRun(db, runId)!;
      expect(assay.recordedCommand(run)).toMatchObject({ models: ["echo"], select: [], seed: 0, cache: true });
      expect(assay.runLiveness(db, runId)).toEqual({ state: "done", stopReason: undefined });

      const [overview] = assay.runsOverview(db);
      expect(overview).toMatchObject({ id: runId, state: "done", trials: 6, planned: 6, errors: 0, models: ["echo"] });
      expect(assay.runsTable([overview])).toMatch(/^\s+1\s+done\s+\S+ \S+\s+6\/6\s+0\s+echo\s+\(all\)$/m);

      const report = assay.showRun(db, runId);
      expect(report.warning).toBeUndefined();
      expect(report.results.map((r) => `${r.strategy} ${r.metric} ${r.value}`)).toEqual([
        "zero-shot includes 1",
        "zero-shot exact-match 0",
        "few-shot includes 1",
        "few-shot exact-match 0",
      ]);

      const view = assay.showItems(db, runId, { strategy: "few-shot", limit: 1 });
      expect(view.total).toBe(3);
      const rows = [...view.rows];
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        item: "a",
        prompt: "Say x x\n\nSay alpha",
        scores: [
          { metric: "includes", value: 1 },
          { metric: "exact-match", value: 0 },
        ],
      });
      expect(assay.itemsText(assay.showItems(db, runId, { outcome: "passed" }))).toBe("0 matching trials");

      const lines = [...assay.exportRun(db, runId, "jsonl")].map((l) => JSON.parse(l) as assay.ExportRecord);
      // In the order the trials were written (concurrent trials may finish out of plan order).
      expect(lines.map((l) => `${l.strategy}/${l.item}`).sort()).toEqual([
        "few-shot/a",
        "few-shot/b",
        "few-shot/c",
        "zero-shot/a",
        "zero-shot/b",
        "zero-shot/c",
      ]);
      expect(lines.find((l) => l.strategy === "few-shot" && l.item === "b")).toMatchObject({
        output: "Say x x\n\nSay beta",
        scores: { includes: 1, "exact-match": 0 },
      });
      expect([...assay.exportRun(db, runId, "csv")][0]).toMatch(/^run,task,item,/);

      const compared = assay.compareRuns(db, { run: runId, strategy: "zero-shot" }, { run: runId, strategy: "few-shot" });
      expect(compared.map((r) => [r.metric, r.a.value, r.b.value, r.n])).toEqual([
        ["includes", 1, 1, 3],
        ["exact-match", 0, 0, 3],
      ]);

      const stored = assay.scorerFromStored('{"name":"bleu","args":{}}');
      expect(stored.name).toBe("bleu");
      expect(() => assay.scorerFromStored('{"name":"blue","args":{}}')).toThrow(
        'the run was scored with scorer "blue", which this assay does not have; did you mean "bleu"?',
      );
    } finally {
      db.close();
    }

    const init = assay.initProject(join(dir, "starter"));
    expect(init.written.map((p) => p.slice(init.dir.length + 1))).toEqual([
      "suites/starter.yaml",
      "suites/data/capitals.jsonl",
      "suites/data/capitals.exemplars.jsonl",
      "assay.config.yaml",
    ]);
    expect(init.written.every((p) => existsSync(p))).toBe(true);

    const error = assay.storeError(Object.assign(new Error("database or disk is full"), { code: "SQLITE_FULL" }), path);
    expect(error).toBeInstanceOf(assay.UserError);
  });
});
