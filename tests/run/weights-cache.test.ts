// The response cache knows a local model by its weights, not its path: a GGUF retrained or
// replaced at the same path gives fresh outputs, never the old model's cached answers.
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { runEval } from "../../src/run/run-eval.ts";
import { defineTask } from "../../src/suite/define-task.ts";
import { writeTinyGguf } from "../fixtures/gguf-writer.ts";
import { workspace } from "../helpers/workspace.ts";

const task = defineTask({
  id: "say",
  items: ["alpha", "beta", "gamma"].map((w) => ({ w })),
  prompt: "Say {{w}}:",
  target: "{{w}}",
  scorers: ["exact-match"],
  generation: { max_tokens: 6 },
});

function outputs(db: string, runId: number): { output: string; cached: number }[] {
  const sql = new Database(db, { readonly: true });
  try {
    return sql
      .prepare(
        "SELECT g.output, g.cached FROM calls g JOIN trials t ON t.id = g.trial_id JOIN models m ON m.id = t.model_id WHERE m.run_id = ? ORDER BY t.item_id",
      )
      .all(runId) as { output: string; cached: number }[];
  } finally {
    sql.close();
  }
}

describe("local model identity in the response cache", () => {
  it("replacing the GGUF at the same path gives the new model's outputs", async () => {
    const dir = workspace();
    const db = join(dir, "assay.db");
    const model = writeTinyGguf({ dir, name: "model.gguf", seed: 3 }).path;
    const first = await runEval({ db, tasks: [task], models: [`local:${model}`] });
    expect(outputs(db, first.runId).every((g) => g.cached === 0)).toBe(true);
    const again = await runEval({ db, tasks: [task], models: [`local:${model}`] });
    expect(outputs(db, again.runId)).toEqual(outputs(db, first.runId).map((g) => ({ ...g, cached: 1 })));

    writeTinyGguf({ dir, name: "model.gguf", seed: 5 }); // retrained: same path, new weights
    const replaced = await runEval({ db, tasks: [task], models: [`local:${model}`] });
    const fresh = await runEval({ db: join(dir, "fresh.db"), tasks: [task], models: [`local:${model}`] });
    expect(outputs(db, replaced.runId).every((g) => g.cached === 0)).toBe(true);
    expect(outputs(db, replaced.runId).map((g) => g.output)).toEqual(outputs(join(dir, "fresh.db"), fresh.runId).map((g) => g.output));
    expect(outputs(db, replaced.runId).map((g) => g.output)).not.toEqual(outputs(db, first.runId).map((g) => g.output));
  }, 60_000);
});

describe("local model weights in the run's provenance", () => {
  it("records path, size and sha256 with the model, and remembers the hash in the store", async () => {
    const dir = workspace();
    const db = join(dir, "assay.db");
    const model = writeTinyGguf({ dir, name: "m.gguf", seed: 7 }).path;
    const { createHash } = await import("node:crypto");
    const { readFileSync, statSync } = await import("node:fs");
    const sha256 = createHash("sha256").update(readFileSync(model)).digest("hex");
    const result = await runEval({ db, tasks: [task], models: [`local:${model}`] });
    const sql = new Database(db, { readonly: true });
    const weights = JSON.parse(sql.prepare("SELECT weights FROM models WHERE run_id = ?").pluck().get(result.runId) as string);
    expect(weights).toEqual({ path: model, size: statSync(model).size, mtimeMs: statSync(model).mtimeMs, sha256 });
    expect(sql.prepare("SELECT sha256 FROM file_hashes WHERE path = ?").pluck().get(model)).toBe(sha256);
    sql.close();
  }, 60_000);
});
