// A run's trials one row each, with the item, prompt, output, targets and scores, filtered
// and streamed in write order: for `show --items` and `export`.
import { schemaVersion, type Db } from "./db.ts";

/** Which trials: any filter left out matches everything. */
export interface TrialFilter {
  /** `suite/task`, a task id, or a suite id. */
  task?: string;
  /** A model spec as recorded (`echo`, `local:demo`). */
  model?: string;
  /** A strategy label. */
  strategy?: string;
  /**
   * Only trials of tasks with this metric, and only its scores. With `outcome`, the metric
   * judged (default: every metric of the trial).
   */
  metric?: string;
  /**
   * `failed`: the trial errored, or a score is below 1. `passed`: done, with every score
   * scored and equal to 1. A trial with only unscored values is neither.
   */
  outcome?: "failed" | "passed";
}

export interface TrialScore {
  metric: string;
  /** Null: unscored (the scorer could not score; `explanation` says why). */
  value: number | null;
  explanation: string | null;
  /** A judge's calls behind the score: why the output got it. */
  judgments?: TrialJudgment[];
}

/** One judge call as `show --items` and exports give it. */
export interface TrialJudgment {
  sample: number;
  verdict: string | null;
  score: number | null;
  reasoning: string | null;
  status: string;
  error: string | null;
  weighting: string | null;
  distribution: Record<string, number> | null;
}

export interface TrialGeneration {
  idx: number;
  output: string | null;
  answer: string | null;
  finish_reason: string | null;
  seed: number | null;
  cached: number;
  attempts: number;
  latency_ms: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
  error: string | null;
}

export interface TrialRow {
  trialId: number;
  task: string;
  item: string;
  fields: Record<string, unknown>;
  /** The item's rendered references; null when the run did not store them (before schema 2). */
  targets: string[] | null;
  model: string;
  strategy: string;
  sample: number;
  status: "done" | "error";
  output: string | null;
  answer: string | null;
  error: string | null;
  latencyMs: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
  /** Local models (schema 6): time to first token, prompt tokens evaluated, draft tokens accepted / proposed. */
  ttftMs: number | null;
  prefillTokens: number | null;
  draftAccepted: number | null;
  draftProposed: number | null;
  /** The rendered prompt (and system prompt) of the trial's first generation. */
  prompt: string | null;
  system: string | null;
  scores: TrialScore[];
  /** Every generation (self-consistency has k), when asked for. */
  generations?: TrialGeneration[];
}

function where(runId: number, filter: TrialFilter): { sql: string; params: Record<string, unknown> } {
  const parts = ["tr.model_id IN (SELECT id FROM models WHERE run_id = @run)"];
  const params: Record<string, unknown> = { run: runId, metric: filter.metric ?? null };
  if (filter.task !== undefined) {
    parts.push("(tk.suite || '/' || tk.task = @task OR tk.task = @task OR tk.suite = @task)");
    params.task = filter.task;
  }
  if (filter.model !== undefined) {
    parts.push("m.spec = @model");
    params.model = filter.model;
  }
  if (filter.strategy !== undefined) {
    parts.push("st.name = @strategy");
    params.strategy = filter.strategy;
  }
  if (filter.metric !== undefined) parts.push("EXISTS (SELECT 1 FROM scorers x WHERE x.task_id = st.task_id AND x.name = @metric)");
  const judged = "FROM scores s JOIN scorers sc ON sc.id = s.scorer_id WHERE s.trial_id = tr.id AND (@metric IS NULL OR sc.name = @metric)";
  if (filter.outcome === "failed") parts.push(`(tr.status = 'error' OR EXISTS (SELECT 1 ${judged} AND s.value < 1))`);
  if (filter.outcome === "passed")
    parts.push(`(tr.status = 'done' AND NOT EXISTS (SELECT 1 ${judged} AND (s.value IS NULL OR s.value < 1)))`);
  return { sql: parts.join(" AND "), params };
}

const joins = `FROM trials tr
  JOIN items it ON it.id = tr.item_id
  JOIN strategies st ON st.id = tr.strategy_id
  JOIN tasks tk ON tk.id = st.task_id
  JOIN models m ON m.id = tr.model_id`;

/** How many of a run's trials match the filter. */
export function countTrialRows(db: Db, runId: number, filter: TrialFilter = {}): number {
  const w = where(runId, filter);
  return db.prepare(`SELECT COUNT(*) ${joins} WHERE ${w.sql}`).pluck().get(w.params) as number;
}

/**
 * A run's matching trials in the order they were written, lazily (one row in memory at a
 * time, so a million-trial export stays flat). `offset`/`limit` page through them.
 */
export function* trialRows(
  db: Db,
  runId: number,
  filter: TrialFilter = {},
  options: { limit?: number; offset?: number; generations?: boolean } = {},
): Generator<TrialRow> {
  const w = where(runId, filter);
  const version = schemaVersion(db);
  const targets = version >= 2 ? "it.targets" : "NULL";
  // From schema 3 a trial's single call may live on the trial row: `calls` gives every call.
  const calls = version >= 3 ? "calls" : "generations";
  // From schema 4 a judge's score carries its judgments.
  const judgments =
    version >= 4
      ? `, 'judgments', json((SELECT json_group_array(json_object('sample', j.sample, 'verdict', j.verdict, 'score', j.score, 'reasoning', j.reasoning,
          'status', j.status, 'error', j.error, 'weighting', j.weighting, 'distribution', json(j.distribution)) ORDER BY j.sample)
          FROM judgments j WHERE j.trial_id = s.trial_id AND j.scorer_id = s.scorer_id))`
      : "";
  // From schema 6 a call records what its inference settings bought.
  const inference =
    version >= 6
      ? "tr.ttft_ms AS ttftMs, tr.prefill_tokens AS prefillTokens, tr.draft_accepted AS draftAccepted, tr.draft_proposed AS draftProposed"
      : "NULL AS ttftMs, NULL AS prefillTokens, NULL AS draftAccepted, NULL AS draftProposed";
  const generations = options.generations
    ? `, (SELECT json_group_array(json_object('idx', g.idx, 'output', g.output, 'answer', g.answer, 'finish_reason', g.finish_reason, 'seed', g.seed,
          'cached', g.cached, 'attempts', g.attempts, 'latency_ms', g.latency_ms, 'input_tokens', g.input_tokens, 'output_tokens', g.output_tokens,
          'error', g.error) ORDER BY g.idx) FROM ${calls} g WHERE g.trial_id = tr.id) AS generations`
    : "";
  const statement = db.prepare(
    `SELECT tr.id AS trialId, tk.suite || '/' || tk.task AS task, it.item_key AS item, it.fields, ${targets} AS targets,
            m.spec AS model, st.name AS strategy, tr.sample, tr.status, tr.output, tr.answer, tr.error,
            tr.latency_ms AS latencyMs, tr.input_tokens AS inputTokens, tr.output_tokens AS outputTokens, tr.cost_usd AS costUsd,
            ${inference}, p.text AS prompt, p.system,
            (SELECT json_group_array(json_object('metric', sc.name, 'value', s.value, 'explanation', s.explanation${judgments}) ORDER BY sc.id)
             FROM scores s JOIN scorers sc ON sc.id = s.scorer_id WHERE s.trial_id = tr.id AND (@metric IS NULL OR sc.name = @metric)) AS scores
            ${generations}
     ${joins}
     LEFT JOIN ${calls} g0 ON g0.trial_id = tr.id AND g0.idx = 0
     LEFT JOIN prompts p ON p.id = g0.prompt_id
     WHERE ${w.sql}
     ORDER BY tr.id
     LIMIT @limit OFFSET @offset`,
  );
  const rows = statement.iterate({ ...w.params, limit: options.limit ?? -1, offset: options.offset ?? 0 }) as Iterable<
    Record<string, unknown>
  >;
  for (const r of rows) {
    yield {
      ...(r as unknown as TrialRow),
      fields: JSON.parse(r.fields as string) as Record<string, unknown>,
      targets: r.targets === null ? null : (JSON.parse(r.targets as string) as string[]),
      scores: (JSON.parse(r.scores as string) as TrialScore[]).map((x) =>
        x.judgments?.length ? x : { metric: x.metric, value: x.value, explanation: x.explanation },
      ),
      generations: options.generations ? (JSON.parse(r.generations as string) as TrialGeneration[]) : undefined,
    };
  }
}

/** The names of a run's item fields, in order of first appearance (for export columns). */
export function itemFieldNames(db: Db, runId: number): string[] {
  return db
    .prepare(
      `SELECT j.key FROM items it JOIN tasks tk ON tk.id = it.task_id, json_each(it.fields) j
       WHERE tk.run_id = ? AND j.key IS NOT NULL GROUP BY j.key ORDER BY MIN(it.id), MIN(j.id)`,
    )
    .pluck()
    .all(runId) as string[];
}
