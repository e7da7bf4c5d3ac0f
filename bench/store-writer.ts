// The store's write path alone: N echo-like trials (one generation, one score, a distinct
// prompt each) written in batches of 200, as a run writes them. Prints trials/s as JSON.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore } from "../src/store/db.ts";
import { insertRun, itemInserter, upsertModel, upsertTask } from "../src/store/runs.ts";
import { trialWriter, type TrialRecord } from "../src/store/trials.ts";

const n = Number(process.argv[2] ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), "assay-bench-"));
const db = openStore(join(dir, "w.db"));
const runId = insertRun(db, { assayVersion: "bench", seed: 0, command: {} });
const modelId = upsertModel(db, runId, "echo", "echo");
const items = Array.from({ length: n }, (_, i) => ({ key: `q${i}`, fields: { id: `q${i}`, a: i, b: i + 1, answer: String(2 * i + 1) } }));
const t0 = performance.now();
const ids = upsertTask(db, runId, {
  suite: "bench",
  task: "overhead",
  definition: {},
  sha256: "x",
  strategies: [{ name: "zero-shot", kind: "zero-shot", params: {} }],
  scorers: [{ name: "exact-match", args: {}, binary: true, corpus: false }],
});
const itemIds = itemInserter(db)(ids.taskId, items, true);
const t1 = performance.now();
const strategyId = ids.strategyIds.get("zero-shot")!;
const scorerId = ids.scorerIds.get("exact-match")!;
const write = trialWriter(db);
let batch: TrialRecord[] = [];
for (let i = 0; i < n; i++) {
  const text = `Q: What is ${i} + ${i + 1}?\nA:`;
  batch.push({
    itemId: itemIds[i],
    strategyId,
    modelId,
    sample: 0,
    status: "done",
    output: text,
    answer: text,
    latencyMs: 0.01,
    generations: [
      {
        idx: 0,
        promptText: text,
        output: text,
        answer: text,
        finishReason: "stop",
        cached: false,
        attempts: 1,
        latencyMs: 0.01,
        inputTokens: 7,
        outputTokens: 7,
      },
    ],
    scores: [{ scorerId, value: 0 }],
  });
  if (batch.length === 200) {
    write(batch);
    batch = [];
  }
}
if (batch.length) write(batch);
const t2 = performance.now();
db.close();
rmSync(dir, { recursive: true, force: true });
console.log(
  JSON.stringify({
    trials: n,
    itemsMs: Math.round(t1 - t0),
    writeMs: Math.round(t2 - t1),
    trialsPerSecond: Math.round(n / ((t2 - t1) / 1000)),
  }),
);
