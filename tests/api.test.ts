// The public API: a user's script imports "assay" and runs an evaluation in code.
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import * as assay from "../src/index.ts";
import { workspace } from "./helpers/workspace.ts";

describe("public API", () => {
  it("defines a task in code, runs it and reads the summary back from the store", async () => {
    const task = assay.defineTask({
      id: "capitals",
      items: [{ country: "France", city: "Paris" }, { country: "Japan", city: "Tokyo" }],
      prompt: "The capital of {{country}} is",
      target: "{{city}}",
      scorers: ["includes"],
    });
    const db = join(workspace(), "api.db");
    const oracle: assay.Provider = { id: "test:oracle", generate: async (p) => ({ text: p.text.includes("France") ? " Paris." : " Kyoto.", finishReason: "stop", latencyMs: 0 }) };
    const result = await assay.runEval({ db, tasks: [task], models: [oracle] });
    expect(result.results).toHaveLength(1);
    expect(result.results[0]).toMatchObject({ task: "code/capitals", model: "test:oracle", metric: "includes", value: 0.5, n: 2 });
    const store = assay.openStore(db);
    expect(assay.runSummary(store, result.runId).results).toEqual(result.results);
    store.close();
    expect(assay.summaryTable(result.results)).toContain("code/capitals");
    expect(assay.stats.wilsonInterval(1, 2)).toEqual(result.results[0].ci);
  });
});
