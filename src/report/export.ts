// `assay export RUN`: one record per trial (task, item and its fields, model, strategy,
// sample, prompt, output, answer, targets, status, error, latency, tokens, cost, time to first
// token, prefill and draft tokens, a value per
// metric) as JSON lines or CSV, streamed row by row.
import { UserError } from "../errors.ts";
import { storePath, type Db } from "../store/db.ts";
import { runNames } from "../store/run-progress.ts";
import { getRun } from "../store/runs.ts";
import { itemFieldNames, trialRows, type TrialRow } from "../store/trial-rows.ts";
import { csvRecord } from "./csv.ts";

export type ExportFormat = "jsonl" | "csv";

/** One exported trial (the JSON lines shape; CSV has the same columns, flattened). */
export interface ExportRecord {
  run: number;
  task: string;
  item: string;
  fields: Record<string, unknown>;
  model: string;
  strategy: string;
  sample: number;
  status: "done" | "error";
  error: string | null;
  system: string | null;
  prompt: string | null;
  output: string | null;
  answer: string | null;
  /** The item's rendered references; null for runs stored before schema 2. */
  targets: string[] | null;
  latency_ms: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cost_usd: number | null;
  /** Local models: time to first token (the first call's), prompt tokens evaluated (the rest came from the prefix cache), draft tokens accepted / proposed (speculative decoding). */
  ttft_ms: number | null;
  prefill_tokens: number | null;
  draft_accepted: number | null;
  draft_proposed: number | null;
  /** Metric name -> value (null: unscored). */
  scores: Record<string, number | null>;
  /** Metric name -> explanation, for scores that have one (why a score is unscored). */
  explanations: Record<string, string>;
}

function record(runId: number, row: TrialRow): ExportRecord {
  const scores: Record<string, number | null> = {};
  const explanations: Record<string, string> = {};
  for (const s of row.scores) {
    scores[s.metric] = s.value;
    if (s.explanation !== null) explanations[s.metric] = s.explanation;
  }
  return {
    run: runId,
    task: row.task,
    item: row.item,
    fields: row.fields,
    model: row.model,
    strategy: row.strategy,
    sample: row.sample,
    status: row.status,
    error: row.error,
    system: row.system,
    prompt: row.prompt,
    output: row.output,
    answer: row.answer,
    targets: row.targets,
    latency_ms: row.latencyMs,
    input_tokens: row.inputTokens,
    output_tokens: row.outputTokens,
    cost_usd: row.costUsd,
    ttft_ms: row.ttftMs,
    prefill_tokens: row.prefillTokens,
    draft_accepted: row.draftAccepted,
    draft_proposed: row.draftProposed,
    scores,
    explanations,
  };
}

const fixedColumns = [
  "run",
  "task",
  "item",
  "model",
  "strategy",
  "sample",
  "status",
  "error",
  "system",
  "prompt",
  "output",
  "answer",
  "targets",
  "latency_ms",
  "input_tokens",
  "output_tokens",
  "cost_usd",
  "ttft_ms",
  "prefill_tokens",
  "draft_accepted",
  "draft_proposed",
] as const;

/** A CSV cell for a value of an item's field: text as it is, anything else as JSON. */
function fieldCell(value: unknown): string | number | boolean | null {
  if (value === undefined || value === null) return null;
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? value : JSON.stringify(value);
}

/**
 * A run's trials as export lines, lazily (each line ends with its newline; CSV starts with a
 * header). CSV columns: the fixed ones, then `score:METRIC` per metric of the run, then
 * `field:NAME` per item field; `targets` is a JSON array.
 * @example for (const line of exportRun(db, 3, "jsonl")) out.write(line)
 */
export function* exportRun(db: Db, runId: number, format: ExportFormat): Generator<string> {
  if (!getRun(db, runId)) throw new UserError(`no run ${runId} in ${storePath(db)}`, { code: "E_EXPORT" });
  if (format === "jsonl") {
    for (const row of trialRows(db, runId)) yield JSON.stringify(record(runId, row)) + "\n";
    return;
  }
  const metrics = runNames(db, runId).metrics;
  const fields = itemFieldNames(db, runId);
  yield csvRecord([...fixedColumns, ...metrics.map((m) => `score:${m}`), ...fields.map((f) => `field:${f}`)]);
  for (const row of trialRows(db, runId)) {
    const r = record(runId, row);
    const fixed = fixedColumns.map((c) => (c === "targets" ? (r.targets === null ? null : JSON.stringify(r.targets)) : r[c]));
    yield csvRecord([...fixed, ...metrics.map((m) => r.scores[m]), ...fields.map((f) => fieldCell(r.fields[f]))]);
  }
}
