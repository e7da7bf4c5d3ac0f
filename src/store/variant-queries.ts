// Queries behind the inference-variants report: per model of a run, what its generated calls
// measured (speed, prefill, draft tokens), its weights and settings, and its outputs paired
// with a reference model's on the same (item, strategy, sample).
import { type Db, schemaVersion } from "./db.ts";

/** A run's model with what was recorded of its weights and inference settings (JSON, or NULL). */
export interface VariantModelRow {
  id: number;
  spec: string;
  provider: string;
  weights: string | null;
  settings: string | null;
}

/** Sums over one model's calls that were generated (not answered from the cache) and did not fail. */
export interface VariantCallSums {
  modelId: number;
  calls: number;
  cachedCalls: number;
  /** Σ output tokens and Σ latency over the generated calls that report both (NULL when none do). */
  outputTokens: number | null;
  latencyMs: number | null;
  /** Σ prefill tokens evaluated and Σ input tokens submitted over the calls that report both. */
  prefillTokens: number | null;
  inputTokens: number | null;
  draftAccepted: number | null;
  draftProposed: number | null;
}

/** One model's trials paired with the reference's: how many pairs, how many outputs are identical. */
export interface PairedOutputCount {
  modelId: number;
  n: number;
  identical: number;
}

/** A trial whose output differs from the reference's trial of the same item, strategy and sample. */
export interface DifferingOutputRow {
  task: string;
  itemKey: string;
  strategy: string;
  sample: number;
  output: string | null;
  referenceOutput: string | null;
}

// Schema 3 introduced the `calls` view and trials.cached; 6 the inference measurements.
// Older stores are read as they are (never upgraded), with what they lack as NULL.
function callsSource(db: Db): string {
  const version = schemaVersion(db);
  const measured =
    version >= 6
      ? "c.ttft_ms, c.prefill_tokens, c.draft_accepted, c.draft_proposed"
      : "NULL AS ttft_ms, NULL AS prefill_tokens, NULL AS draft_accepted, NULL AS draft_proposed";
  return `SELECT c.trial_id, c.cached, c.error, c.latency_ms, c.input_tokens, c.output_tokens, ${measured}
          FROM ${version >= 3 ? "calls" : "generations"} c`;
}

/** The models of a run in the order they were registered, with weights and settings as stored. */
export function variantModels(db: Db, runId: number): VariantModelRow[] {
  const version = schemaVersion(db);
  return db
    .prepare(
      `SELECT id, spec, provider, ${version >= 2 ? "weights" : "NULL AS weights"}, ${version >= 6 ? "settings" : "NULL AS settings"}
       FROM models WHERE run_id = ? ORDER BY id`,
    )
    .all(runId) as VariantModelRow[];
}

/**
 * Per model of a run, sums over its generated calls. One pass over the run's calls: the
 * trials table has no index on model_id, so every per-run query scans it once.
 */
export function variantCallSums(db: Db, runId: number): VariantCallSums[] {
  return db
    .prepare(
      `WITH c AS (${callsSource(db)})
       SELECT t.model_id AS modelId,
              SUM(NOT c.cached AND c.error IS NULL) AS calls,
              SUM(c.cached = 1) AS cachedCalls,
              SUM(CASE WHEN NOT c.cached AND c.error IS NULL AND c.latency_ms IS NOT NULL THEN c.output_tokens END) AS outputTokens,
              SUM(CASE WHEN NOT c.cached AND c.error IS NULL AND c.output_tokens IS NOT NULL THEN c.latency_ms END) AS latencyMs,
              SUM(CASE WHEN NOT c.cached AND c.error IS NULL AND c.input_tokens IS NOT NULL THEN c.prefill_tokens END) AS prefillTokens,
              SUM(CASE WHEN NOT c.cached AND c.error IS NULL AND c.prefill_tokens IS NOT NULL THEN c.input_tokens END) AS inputTokens,
              SUM(CASE WHEN NOT c.cached AND c.error IS NULL AND c.draft_proposed IS NOT NULL THEN c.draft_accepted END) AS draftAccepted,
              SUM(CASE WHEN NOT c.cached AND c.error IS NULL AND c.draft_accepted IS NOT NULL THEN c.draft_proposed END) AS draftProposed
       FROM c JOIN trials t ON t.id = c.trial_id JOIN models m ON m.id = t.model_id
       WHERE m.run_id = ?
       GROUP BY t.model_id`,
    )
    .all(runId) as VariantCallSums[];
}

/**
 * Per model of a run, the latency and time to first token of every generated call (for
 * percentiles), by model id. Values are unsorted; NULLs are left out.
 */
export function variantCallTimes(db: Db, runId: number): Map<number, { latencies: number[]; ttfts: number[] }> {
  const out = new Map<number, { latencies: number[]; ttfts: number[] }>();
  const rows = db
    .prepare(
      `WITH c AS (${callsSource(db)})
       SELECT t.model_id AS modelId, c.latency_ms AS latency, c.ttft_ms AS ttft
       FROM c JOIN trials t ON t.id = c.trial_id JOIN models m ON m.id = t.model_id
       WHERE m.run_id = ? AND NOT c.cached AND c.error IS NULL`,
    )
    .raw()
    .iterate(runId) as Iterable<[number, number | null, number | null]>;
  for (const [modelId, latency, ttft] of rows) {
    let times = out.get(modelId);
    if (!times) {
      times = { latencies: [], ttfts: [] };
      out.set(modelId, times);
    }
    if (latency !== null) times.latencies.push(latency);
    if (ttft !== null) times.ttfts.push(ttft);
  }
  return out;
}

// Each trial of a model finds the reference's trial of the same item, strategy and sample
// through the UNIQUE (item_id, strategy_id, model_id, sample) index: one scan, one lookup each.
const pairedTrials = `trials a JOIN trials b
  ON b.item_id = a.item_id AND b.strategy_id = a.strategy_id AND b.model_id = @reference AND b.sample = a.sample`;
const bothDone = "a.status = 'done' AND b.status = 'done'";

/** Per model of the run other than the reference: trials paired with the reference's, and how many outputs are identical. */
export function pairedOutputCounts(db: Db, runId: number, referenceModelId: number): PairedOutputCount[] {
  return db
    .prepare(
      `SELECT a.model_id AS modelId, COUNT(*) AS n, SUM(a.output IS b.output) AS identical
       FROM ${pairedTrials}
       WHERE ${bothDone} AND a.model_id IN (SELECT id FROM models WHERE run_id = @run AND id != @reference)
       GROUP BY a.model_id`,
    )
    .all({ run: runId, reference: referenceModelId }) as PairedOutputCount[];
}

/** The first `limit` trials of a model (in trial order) whose output differs from the reference's. */
export function differingOutputs(db: Db, modelId: number, referenceModelId: number, limit: number): DifferingOutputRow[] {
  return db
    .prepare(
      `SELECT tk.suite || '/' || tk.task AS task, it.item_key AS itemKey, st.name AS strategy, a.sample,
              a.output, b.output AS referenceOutput
       FROM ${pairedTrials}
       JOIN items it ON it.id = a.item_id JOIN strategies st ON st.id = a.strategy_id JOIN tasks tk ON tk.id = st.task_id
       WHERE ${bothDone} AND a.model_id = @model AND a.output IS NOT b.output
       ORDER BY a.id LIMIT @limit`,
    )
    .all({ model: modelId, reference: referenceModelId, limit }) as DifferingOutputRow[];
}
