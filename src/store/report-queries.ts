// Queries only the HTML report needs: a run's provenance (suites with versions, models,
// strategies with their kinds).
import type { Db } from "./db.ts";

/** What produced a run's numbers, beyond its runs row. */
export interface RunProvenanceRows {
  suites: { suite: string; version: string; sha256: string }[];
  models: string[];
  strategies: { name: string; kind: string }[];
}

/** A run's suites (name, version, file hash), models and strategies (label and kind), in recorded order. */
export function runProvenanceRows(db: Db, runId: number): RunProvenanceRows {
  return {
    suites: db
      .prepare("SELECT suite, version, sha256 FROM run_suites WHERE run_id = ? ORDER BY suite")
      .all(runId) as RunProvenanceRows["suites"],
    models: db.prepare("SELECT spec FROM models WHERE run_id = ? ORDER BY id").pluck().all(runId) as string[],
    strategies: db
      .prepare(
        `SELECT st.name, MIN(st.kind) AS kind FROM strategies st JOIN tasks tk ON tk.id = st.task_id
         WHERE tk.run_id = ? GROUP BY st.name ORDER BY MIN(st.id)`,
      )
      .all(runId) as RunProvenanceRows["strategies"],
  };
}
