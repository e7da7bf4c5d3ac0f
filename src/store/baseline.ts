// Queries the CI gate and `assay baseline export` need beyond store/summary.ts.
import type { Db } from "./db.ts";

/** Each task of a run (`suite/task`) with the sha256 of its validated definition, in task order. */
export function taskHashes(db: Db, runId: number): { task: string; sha256: string }[] {
  return db.prepare("SELECT suite || '/' || task AS task, sha256 FROM tasks WHERE run_id = ? ORDER BY id").all(runId) as {
    task: string;
    sha256: string;
  }[];
}
