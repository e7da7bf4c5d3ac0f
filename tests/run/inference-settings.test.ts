// Inference settings are evaluation variables: a named local model's settings are recorded with
// the run as node-llama-cpp reports them, key the response cache (another setting measures its own
// latency instead of reusing a cached call), and every call records its timing and token counts.
import { join } from "node:path";
import Database from "better-sqlite3";
import { getLlama } from "node-llama-cpp";
import { describe, expect, it } from "vitest";
import { type ExportRecord, exportRun } from "../../src/report/export.ts";
import { runEval } from "../../src/run/run-eval.ts";
import { openStore } from "../../src/store/db.ts";
import { defineTask } from "../../src/suite/define-task.ts";
import { writeTinyGguf } from "../fixtures/gguf-writer.ts";
import { assay } from "../helpers/cli.ts";
import { workspace } from "../helpers/workspace.ts";

const task = defineTask({
  id: "say",
  items: ["alpha", "beta", "gamma"].map((w) => ({ w })),
  prompt: "Please repeat the word {{w}} now:",
  target: "{{w}}",
  scorers: ["exact-match"],
  generation: { max_tokens: 6 },
});

interface CallRow {
  spec: string;
  output: string;
  cached: number;
  ttft_ms: number | null;
  latency_ms: number;
  input_tokens: number;
  prefill_tokens: number | null;
  output_tokens: number;
  draft_accepted: number | null;
  draft_proposed: number | null;
}

function calls(db: string, runId: number): CallRow[] {
  const sql = new Database(db, { readonly: true });
  try {
    return sql
      .prepare(
        `SELECT m.spec, c.output, c.cached, c.ttft_ms, c.latency_ms, c.input_tokens, c.prefill_tokens, c.output_tokens, c.draft_accepted, c.draft_proposed
           FROM calls c JOIN trials t ON t.id = c.trial_id JOIN models m ON m.id = t.model_id
          WHERE m.run_id = ? ORDER BY m.id, t.item_id`,
      )
      .all(runId) as CallRow[];
  } finally {
    sql.close();
  }
}

function settings(db: string, runId: number): Record<string, unknown> {
  const sql = new Database(db, { readonly: true });
  try {
    const rows = sql.prepare("SELECT spec, settings FROM models WHERE run_id = ? ORDER BY id").all(runId) as {
      spec: string;
      settings: string;
    }[];
    return Object.fromEntries(rows.map((r) => [r.spec, JSON.parse(r.settings)]));
  } finally {
    sql.close();
  }
}

describe("inference settings in a run", () => {
  it("records each variant's settings and per-call measurements, and keys the cache by them", async () => {
    const dir = workspace();
    const db = join(dir, "assay.db");
    writeTinyGguf({ dir, name: "m.gguf", seed: 4 });
    const config = join(dir, "assay.config.yaml");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(
      config,
      [
        "models:",
        "  plain: { provider: local, path: m.gguf, context_size: 256 }",
        "  two-threads: { provider: local, path: m.gguf, context_size: 256, threads: 2, prefix_cache: false }",
        "  spec: { provider: local, path: m.gguf, context_size: 256, draft: m.gguf, draft_tokens: 2 }",
        "",
      ].join("\n"),
    );
    const first = await runEval({ db, config, tasks: [task], models: ["plain", "two-threads", "spec"] });
    expect(settings(db, first.runId)).toMatchObject({
      plain: { threads: 1, prefix_cache: true, context_size: 256, draft: null, gpu: "off" },
      "two-threads": { threads: 2, prefix_cache: false },
      spec: { draft: "m.gguf", draft_tokens: 2 },
    });
    const rows = calls(db, first.runId);
    expect(rows).toHaveLength(9);
    for (const r of rows) {
      expect(r.cached).toBe(0);
      expect(r.ttft_ms).toBeGreaterThan(0);
      expect(r.ttft_ms).toBeLessThanOrEqual(r.latency_ms);
      expect(r.prefill_tokens).toBeGreaterThan(0);
      expect(r.prefill_tokens).toBeLessThanOrEqual(r.input_tokens);
      expect(r.draft_proposed === null).toBe(r.spec !== "spec");
    }
    // Output-preserving settings: the same outputs from every variant.
    const bySpec = (spec: string) => rows.filter((r) => r.spec === spec).map((r) => r.output);
    expect(bySpec("two-threads")).toEqual(bySpec("plain"));
    expect(bySpec("spec")).toEqual(bySpec("plain"));
    // Without the prefix cache every prompt token is evaluated.
    for (const r of rows.filter((r) => r.spec === "two-threads")) expect(r.prefill_tokens).toBe(r.input_tokens);

    // `assay export` carries them per trial.
    const store = openStore(db, { readonly: true });
    const exported = [...exportRun(store, first.runId, "jsonl")].map((line) => JSON.parse(line) as ExportRecord);
    store.close();
    expect(exported).toHaveLength(9);
    for (const r of exported) {
      expect(r.ttft_ms).toBeGreaterThan(0);
      expect(r.prefill_tokens).toBeGreaterThan(0);
      expect(r.draft_proposed === null).toBe(r.model !== "spec");
    }

    // The same settings hit the cache; a changed setting does not.
    const again = await runEval({ db, config, tasks: [task], models: ["plain"] });
    expect(calls(db, again.runId).every((r) => r.cached === 1)).toBe(true);
    writeFileSync(config, "models:\n  plain: { provider: local, path: m.gguf, context_size: 256, batch_size: 32 }\n");
    const changed = await runEval({ db, config, tasks: [task], models: ["plain"] });
    expect(calls(db, changed.runId).every((r) => r.cached === 0)).toBe(true);
    expect(settings(db, changed.runId).plain).toMatchObject({ batch_size: 32 });
  }, 120_000);

  it("knows the demo model's variants by name, without a config; gpu: auto says once that it runs on the CPU", async () => {
    const gpu = (await getLlama({ gpu: "auto", build: "never" })).gpu;
    const dir = workspace();
    const r = assay(dir, "run", "demo-strings", "--limit", "2", "--model", "demo", "--model", "demo-q8", "--json");
    expect(r.code, r.stderr).toBe(0);
    const models = new Set((JSON.parse(r.stdout) as { results: { model: string }[] }).results.map((x) => x.model));
    expect([...models]).toEqual(["demo", "demo-q8"]);
    const gpuWarnings = r.stderr.split("\n").filter((line) => line.includes("found no GPU"));
    // A machine with a GPU uses it (and says nothing); one without says so once, not once per model.
    expect(gpuWarnings).toEqual(gpu === false ? ["warning: gpu: auto found no GPU llama.cpp can use; running on the CPU"] : []);
  }, 120_000);

  it("says which field of the config is wrong, with its line", () => {
    const dir = workspace({
      "assay.config.yaml": "models:\n  spec:\n    provider: local\n    path: m.gguf\n    draft_tokens: 0\n    parallel: two\n",
    });
    const r = assay(dir, "run", "--model", "spec");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("assay.config.yaml:5 models.spec.draft_tokens:");
    expect(r.stderr).toContain("assay.config.yaml:6 models.spec.parallel:");
  });
});
