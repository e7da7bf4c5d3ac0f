// A store with one run, the echo model and one zero-shot, exact-match task holding `n` items:
// what the store's own tests write trials against.
import { openStore, type Db } from "../../src/store/db.ts";
import { insertRun, itemInserter, upsertModel, upsertTask } from "../../src/store/runs.ts";

/** Open `path` and register a run, a model and a task with items "0".."n-1" (fields `{ i }`). */
export function storeWithTask(
  path: string,
  n: number,
): { db: Db; runId: number; modelId: number; strategyId: number; scorerId: number; itemIds: number[] } {
  const db = openStore(path);
  const runId = insertRun(db, { assayVersion: "test", seed: 0, command: {} });
  const modelId = upsertModel(db, runId, "echo", "echo");
  const ids = upsertTask(db, runId, {
    suite: "s",
    task: "t",
    definition: {},
    sha256: "x",
    strategies: [{ name: "zero-shot", kind: "zero-shot", params: {} }],
    scorers: [{ name: "exact-match", args: {}, binary: true, corpus: false }],
  });
  const itemIds = itemInserter(db)(
    ids.taskId,
    Array.from({ length: n }, (_, i) => ({ key: String(i), fields: { i } })),
  );
  return { db, runId, modelId, strategyId: ids.strategyIds.get("zero-shot")!, scorerId: ids.scorerIds.get("exact-match")!, itemIds };
}
