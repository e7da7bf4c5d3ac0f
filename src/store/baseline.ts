// Queries the CI gate and `assay baseline export` need beyond store/summary.ts.
import type { Db } from "./db.ts";
import { portableTaskHashes } from "./merge.ts";

/**
 * Each task of a run (`suite/task`) with the sha256 of its definition, in task order: the
 * definition as compared across checkouts (no absolute paths; see store/merge.ts), since a
 * committed baseline is made in another folder than the CI run it is gated against.
 */
export function taskHashes(db: Db, runId: number): { task: string; sha256: string }[] {
  return portableTaskHashes(db, runId);
}

/** Every item of a run's tasks: `suite/task`, the item key and its dataset row (JSON text), in item order. */
export function itemFields(db: Db, runId: number): Iterable<{ task: string; itemKey: string; fields: string }> {
  return db
    .prepare(
      `SELECT tk.suite || '/' || tk.task AS task, it.item_key AS itemKey, it.fields
       FROM items it JOIN tasks tk ON tk.id = it.task_id WHERE tk.run_id = ? ORDER BY tk.id, it.id`,
    )
    .iterate(runId) as Iterable<{ task: string; itemKey: string; fields: string }>;
}
