// Inference variants of a run read from a real store written by the real writer: kinds from
// the weights' hashes, identical outputs and the differing list, speed over generated calls,
// percentiles as numpy computes them, the paired quality difference as `assay compare` gives
// it, NULL-safety for a remote model, and the reference's errors.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.ts";
import { compareRuns } from "../../src/report/compare.ts";
import { excerpt, variantsText } from "../../src/report/variants-table.ts";
import { firstDifference, inferenceVariants, showsVariants } from "../../src/report/variants.ts";
import { openStore, type Db } from "../../src/store/db.ts";
import { insertRun, itemInserter, upsertModel, upsertTask } from "../../src/store/runs.ts";
import { trialWriter, type TrialRecord } from "../../src/store/trials.ts";
import { workspace } from "../helpers/workspace.ts";

const n = 20;
const weightsA = { path: "/m/demo.gguf", size: 3_145_728, mtimeMs: 1, sha256: "a".repeat(64) };
const weightsB = { path: "/m/demo-q4.gguf", size: 1_048_576, mtimeMs: 1, sha256: "b".repeat(64) };
const settings = { threads: 1, batch_size: 512, prefix_cache: true, draft: null };

// The reference's latencies on items 0..17 (item 18 comes from the cache, item 19 errs).
const demoLatency = [120, 95, 130, 101, 99, 250, 88, 140, 97, 105, 111, 93, 180, 102, 99.5, 87, 115, 122];
const q4Latency = [60.5, 61, 59, 70, 64, 58, 66, 62, 61.5, 63, 65, 67, 57, 59.5, 60, 68, 69, 71, 72, 64.5];
const right = (i: number) => `answer ${i}`;

interface Fixture {
  db: Db;
  runId: number;
  ids: Record<string, number>;
}

/** A run of four models on one task (exact-match first, edit-distance second) written through trialWriter. */
function fixture(): Fixture {
  const db = openStore(join(workspace(), "variants.db"));
  const runId = insertRun(db, { assayVersion: "test", seed: 0, command: {} });
  const ids = {
    demo: upsertModel(db, runId, "demo", "local", weightsA, settings),
    "demo-t2": upsertModel(db, runId, "demo-t2", "local", weightsA, { ...settings, threads: 2 }),
    "demo-q4": upsertModel(db, runId, "demo-q4", "local", weightsB, settings),
    echo: upsertModel(db, runId, "echo", "echo"),
  };
  const task = upsertTask(db, runId, {
    suite: "s",
    task: "t",
    definition: {},
    sha256: "x",
    strategies: [{ name: "zero-shot", kind: "zero-shot", params: {} }],
    scorers: [
      { name: "exact-match", args: { name: "exact-match", args: {} }, binary: true, corpus: false },
      { name: "edit-distance", args: { name: "edit-distance", args: {} }, binary: false, corpus: false },
    ],
  });
  const strategyId = task.strategyIds.get("zero-shot")!;
  const em = task.scorerIds.get("exact-match")!;
  const ed = task.scorerIds.get("edit-distance")!;
  const itemIds = itemInserter(db)(
    task.taskId,
    Array.from({ length: n }, (_, i) => ({ key: `q${i}`, fields: { i } })),
  );
  const trial = (modelId: number, i: number, output: string, extra: Partial<TrialRecord> = {}, cached = false): TrialRecord => ({
    itemId: itemIds[i],
    strategyId,
    modelId,
    sample: 0,
    status: "done",
    output,
    answer: output,
    generations: [{ idx: 0, promptText: `p${i}`, output, answer: output, cached, attempts: 1 }],
    scores: [
      { scorerId: em, value: output === right(i) ? 1 : 0 },
      { scorerId: ed, value: output === right(i) ? 1 : 0.5 + (i % 3) / 10 },
    ],
    ...extra,
  });
  const failed = (modelId: number, i: number): TrialRecord => ({
    itemId: itemIds[i],
    strategyId,
    modelId,
    sample: 0,
    status: "error",
    output: null,
    answer: null,
    error: "timeout",
    latencyMs: 30_000,
    outputTokens: 0,
    generations: [{ idx: 0, promptText: `p${i}`, output: null, answer: null, cached: false, attempts: 3, error: "timeout" }],
    scores: [],
  });
  const trials: TrialRecord[] = [];
  for (let i = 0; i < n; i++) {
    // The reference: right except on items 15..17; item 18 from the cache, item 19 failed.
    const measured = {
      latencyMs: demoLatency[i],
      outputTokens: 10 + (i % 5),
      inputTokens: 12,
      prefillTokens: i < 10 ? 4 : undefined,
      ttftMs: i % 4 === 0 ? undefined : 5 + i,
    };
    if (i === 19) trials.push(failed(ids.demo, i));
    else if (i === 18) trials.push(trial(ids.demo, i, right(i), { latencyMs: 1, outputTokens: 500 }, true));
    else trials.push(trial(ids.demo, i, i >= 15 && i < 18 ? "wrong" : right(i), measured));
    // Same weights, other threads: differs on items 2, 5, 9 (one with a control character).
    const t2 = i === 2 ? "answer 2!" : i === 5 ? "answer \u001b[2J5" : i === 9 ? "answer 99" : i >= 15 && i < 18 ? "wrong" : right(i);
    trials.push(
      trial(ids["demo-t2"], i, i === 19 ? right(i) : t2, {
        latencyMs: 100,
        outputTokens: 11,
        draftAccepted: 30 + i,
        draftProposed: 40 + i,
      }),
    );
    // Other weights: wrong on every third item, faster.
    trials.push(trial(ids["demo-q4"], i, i % 3 === 0 ? "nope" : right(i), { latencyMs: q4Latency[i], outputTokens: 12 }));
    // A remote model that records nothing beyond its outputs.
    trials.push(trial(ids.echo, i, `p${i}`));
  }
  trialWriter(db)(trials);
  return { db, runId, ids };
}

describe("inferenceVariants", () => {
  const { db, runId } = fixture();
  const v = inferenceVariants(db, runId, { reference: "demo" });
  const row = (model: string) => v.models.find((m) => m.model === model)!;

  it("names each model's kind from the weights' sha256", () => {
    expect(v.reference).toBe("demo");
    expect(v.referenceFrom).toBe("option");
    expect(v.models.map((m) => [m.model, m.kind])).toEqual([
      ["demo", "reference"],
      ["demo-t2", "output-preserving"],
      ["demo-q4", "output-approximating"],
      ["echo", "unknown"],
    ]);
    expect(row("demo-t2").settings).toEqual({ ...settings, threads: 2 });
    expect(row("demo-q4").weights).toEqual({ path: weightsB.path, size: weightsB.size, sha256: weightsB.sha256 });
  });

  it("counts identical outputs on paired trials (both done) and lists the differing ones in trial order", () => {
    // Item 19: the reference failed, so it is not a pair.
    expect(row("demo-t2").identical).toMatchObject({ n: 19, identical: 16, share: 16 / 19 });
    expect(row("demo-t2").identical!.differing).toEqual([
      { task: "s/t", item: "q2", strategy: "zero-shot", sample: 0, position: 8, output: "answer 2!", reference: "answer 2" },
      { task: "s/t", item: "q5", strategy: "zero-shot", sample: 0, position: 7, output: "answer \u001b[2J5", reference: "answer 5" },
      { task: "s/t", item: "q9", strategy: "zero-shot", sample: 0, position: 8, output: "answer 99", reference: "answer 9" },
    ]);
    expect(row("demo").identical).toBeNull();
    expect(inferenceVariants(db, runId, { reference: "demo", listDiffering: 2 }).models[1].identical!.differing.map((d) => d.item)).toEqual(
      ["q2", "q5"],
    );
  });

  it("takes speed over generated calls only: cached and failed calls are left out", () => {
    const demo = row("demo");
    expect(demo.calls).toBe(18);
    expect(demo.cachedCalls).toBe(1);
    const tokens = demoLatency.reduce((s, _, i) => s + 10 + (i % 5), 0);
    const seconds = demoLatency.reduce((s, x) => s + x, 0) / 1000;
    expect(demo.tokensPerSecond).toBeCloseTo(tokens / seconds, 9);
    expect(demo.prefill).toEqual({ evaluated: 40, submitted: 120 });
    expect(demo.draft).toBeNull();
    expect(row("demo-t2").draft).toEqual({ accepted: 30 * 20 + 190, proposed: 40 * 20 + 190, acceptance: 790 / 990 });
    const q4Speed = (12 * 20) / (q4Latency.reduce((s, x) => s + x, 0) / 1000);
    expect(row("demo-q4").tokensPerSecond).toBeCloseTo(q4Speed, 9);
    expect(row("demo-q4").speedRatio).toBeCloseTo(q4Speed / demo.tokensPerSecond!, 12);
    expect(demo.speedRatio).toBe(1);
  });

  it("gives p50/p95 latency and p50 TTFT as numpy.percentile (linear interpolation)", () => {
    // /usr/bin/python3 -c "import numpy as np; d=[120,95,130,101,99,250,88,140,97,105,111,93,180,102,99.5,87,115,122];
    //   print(np.percentile(d,50), np.percentile(d,95), np.percentile([5+i for i in range(18) if i%4], 50))"
    expect(row("demo").latencyP50Ms).toBe(103.5);
    expect(row("demo").latencyP95Ms).toBeCloseTo(190.4999999999999, 9);
    expect(row("demo").ttftP50Ms).toBe(14);
    // np.percentile(q4Latency, 50), np.percentile(q4Latency, 95)
    expect(row("demo-q4").latencyP50Ms).toBe(63.5);
    expect(row("demo-q4").latencyP95Ms).toBeCloseTo(71.05, 9);
  });

  it("computes the paired quality difference with assay compare's own functions, on the primary scorer only", () => {
    for (const model of ["demo-t2", "demo-q4", "echo"]) {
      const expected = compareRuns(db, { run: runId, model: "demo" }, { run: runId, model }, { seed: 0 }).filter(
        (r) => r.metric === "exact-match",
      );
      expect(expected).toHaveLength(1);
      expect(row(model).quality).toEqual([
        {
          task: "s/t",
          strategy: "zero-shot",
          metric: "exact-match",
          reference: expected[0].a.value,
          value: expected[0].b.value,
          n: expected[0].n,
          difference: expected[0].difference,
          ci: expected[0].ci,
          pValue: expected[0].pValue,
          test: expected[0].test,
        },
      ]);
    }
    // q4 is wrong on items 0, 3, ..., 18 (7 of them); the reference on 15, 16, 17 and failed on 19: 19 paired items.
    expect(row("demo-q4").quality[0]).toMatchObject({ n: 19, test: "mcnemar-exact" });
    expect(row("demo-q4").quality[0]).toMatchObject({ reference: 16 / 19, value: 12 / 19 });
    expect(row("demo-q4").quality[0].difference).toBeCloseTo(-4 / 19, 12);
    expect(row("demo").quality).toEqual([]);
  });

  it("leaves what a remote model does not record as null and prints it as -", () => {
    const echo = row("echo");
    expect(echo).toMatchObject({
      kind: "unknown",
      settings: null,
      weights: null,
      calls: 20,
      tokensPerSecond: null,
      latencyP50Ms: null,
      latencyP95Ms: null,
      ttftP50Ms: null,
      prefill: null,
      draft: null,
      speedRatio: null,
    });
    const text = variantsText(v);
    const echoLine = text.split("\n").find((l) => l.startsWith("echo "))!;
    expect(echoLine).toMatch(/^echo\s+unknown\s+-\s+20\s+-\s+-\s+-\s+-\s+-\s+-\s+0\/19 \(0\.0%\)\s+-$/);
    expect(text.split("\n").find((l) => l.startsWith("demo-q4 "))).toMatch(/^demo-q4\s+approximating\s+1\.0 MiB\s+20\s/);
  });

  it("flags an output-preserving variant whose outputs differ, lists them escaped, and says which settings changed", () => {
    const text = variantsText(v);
    expect(text).toContain(
      "! demo-t2: 3 of 19 outputs differ from demo although the weights are the same — llama.cpp's batched or threaded arithmetic can round differently, and a sampled output depends on its random draws too; listed below",
    );
    expect(text).toContain("  s/t item q5 zero-shot: first difference at character 7\n");
    expect(text).toContain('    variant:   "answer \\x1b[2J5"');
    expect(text).not.toContain("\u001b");
    expect(text).toContain("settings of demo: threads=1, batch_size=512, prefix_cache=true, draft=null");
    expect(text).toContain("settings of demo-t2: threads=2");
    expect(text).toContain("settings of demo-q4: as the reference");
    // Approximating variants are not flagged: their outputs are expected to differ.
    expect(text).not.toMatch(/^! demo-q4/m);
  });

  it("says when a model's every call came from the cache, so nothing was timed", () => {
    const cached = {
      ...v,
      models: v.models.map((m) => (m.model === "demo-q4" ? { ...m, calls: 0, cachedCalls: 20, tokensPerSecond: null } : m)),
    };
    expect(variantsText(cached)).toContain(
      "demo-q4: every call came from the response cache, so nothing was timed; run again with --no-cache to measure speed",
    );
    expect(variantsText(v)).not.toContain("response cache");
  });

  it("defaults to the config's reference when the run has it, else the first model with a note", () => {
    expect(inferenceVariants(db, runId, { configReference: "demo-q4" })).toMatchObject({ reference: "demo-q4", referenceFrom: "config" });
    const fallback = inferenceVariants(db, runId, { configReference: "demo-q8" });
    expect(fallback).toMatchObject({ reference: "demo", referenceFrom: "first model" });
    expect(fallback.note).toContain("the config's reference demo-q8 is not a model of run 1");
    expect(inferenceVariants(db, runId).referenceFrom).toBe("first model");
  });

  it("refuses a reference the run does not have, listing its models", () => {
    const refused = (() => {
      try {
        inferenceVariants(db, runId, { reference: "demo-q8" });
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toBeInstanceOf(UserError);
    expect((refused as UserError).message).toBe(
      '--reference demo-q8: run 1 has no such model; did you mean "demo-q4"? (its models: demo, demo-t2, demo-q4, echo)',
    );
    expect(() => showsVariants(db, runId, { reference: "nope" })).toThrow(UserError);
    expect(showsVariants(db, runId)).toBe(true);
  });
});

describe("variant helpers", () => {
  it("finds the first differing code point and cuts an excerpt around it", () => {
    expect(firstDifference("abc", "abd")).toBe(2);
    expect(firstDifference("ab", "abc")).toBe(2);
    expect(firstDifference("😀x", "😀y")).toBe(1);
    expect(excerpt("short", 2)).toBe('"short"');
    expect(excerpt("0123456789".repeat(5), 20)).toBe('…"890123456789012345678901234567890123"…');
    expect(excerpt(null, 0)).toBe("(no output)");
  });

  it("counts the same weights in chat mode as approximating: the prompts differ, not only the arithmetic", () => {
    const db = openStore(join(workspace(), "chat.db"));
    const runId = insertRun(db, { assayVersion: "test", seed: 0, command: {} });
    upsertModel(db, runId, "plain", "local:/m/demo.gguf", weightsA);
    upsertModel(db, runId, "chat", "local:/m/demo.gguf?chat=true", weightsA);
    upsertModel(db, runId, "threads", "local:/m/demo.gguf", weightsA, { threads: 4 });
    expect(inferenceVariants(db, runId).models.map((m) => m.kind)).toEqual(["reference", "output-approximating", "output-preserving"]);
    expect(inferenceVariants(db, runId, { reference: "chat" }).models.map((m) => m.kind)).toEqual([
      "output-approximating",
      "reference",
      "output-approximating",
    ]);
  });

  it("shows no section for a run of remote models only, unless a reference is asked for", () => {
    const db = openStore(join(workspace(), "remote.db"));
    const runId = insertRun(db, { assayVersion: "test", seed: 0, command: {} });
    upsertModel(db, runId, "echo", "echo");
    upsertModel(db, runId, "replay:x.jsonl", "replay");
    expect(showsVariants(db, runId)).toBe(false);
    expect(showsVariants(db, runId, { reference: "echo" })).toBe(true);
    // No trials at all: nothing measured, nothing paired, no crash.
    const v = inferenceVariants(db, runId, { reference: "echo" });
    expect(v.models[1]).toMatchObject({
      calls: 0,
      tokensPerSecond: null,
      identical: { n: 0, identical: 0, share: null, differing: [] },
      quality: [],
    });
    expect(variantsText(v)).toContain("replay:x.jsonl");
    expect(variantsText(v)).not.toContain("response cache");
  });
});

describe("a store older than schema 6", () => {
  it("is read as it is: what it lacks (settings, time to first token, prefill, draft tokens) is null", () => {
    const path = join(workspace(), "v5.db");
    const raw = new Database(path);
    const dir = join(import.meta.dirname, "../../src/store/migrations");
    for (const file of readdirSync(dir)
      .filter((f) => f < "006")
      .sort())
      raw.exec(readFileSync(join(dir, file), "utf8"));
    raw.pragma("user_version = 5");
    raw.exec(`
      INSERT INTO runs (id, created_at, status, assay_version, seed, command, node_version) VALUES (1, 'x', 'done', '0.9', 0, '{}', 'v20');
      INSERT INTO models (id, run_id, spec, provider, weights) VALUES
        (1, 1, 'a', 'local', '{"path":"/a","size":10,"mtimeMs":1,"sha256":"aa"}'),
        (2, 1, 'b', 'local', '{"path":"/b","size":10,"mtimeMs":1,"sha256":"aa"}');
      INSERT INTO tasks VALUES (1, 1, 's', 't', '{}', 'h');
      INSERT INTO strategies VALUES (1, 1, 'zero-shot', 'zero-shot', '{}');
      INSERT INTO items (id, task_id, item_key, fields) VALUES (1, 1, '1', '{}');
      INSERT INTO prompts VALUES (1, 'p', NULL);
      INSERT INTO trials (id, item_id, strategy_id, model_id, sample, status, output, answer, latency_ms, output_tokens, prompt_id, cached, attempts)
        VALUES (1, 1, 1, 1, 0, 'done', 'x', 'x', 100, 5, 1, 0, 1), (2, 1, 1, 2, 0, 'done', 'y', 'y', 50, 5, 1, 0, 1);`);
    raw.close();
    const db = openStore(path, { readonly: true });
    const v = inferenceVariants(db, 1);
    db.close();
    expect(v.models[1]).toMatchObject({
      kind: "output-preserving",
      settings: null,
      ttftP50Ms: null,
      prefill: null,
      draft: null,
      tokensPerSecond: 100,
      speedRatio: 2,
      identical: { n: 1, identical: 0 },
    });
    expect(variantsText(v)).toContain("! b: 1 of 1 output differs from a although the weights are the same");
  });
});
