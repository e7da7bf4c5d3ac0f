// Every judgment an autorater made, stored with what names the judge exactly (its hash over
// rubric, model and parameters), the prompt it saw, its raw reply and how the reply was read.
import type { Db } from "./db.ts";
import { multiRowInsert } from "./multi-row-insert.ts";

/** A judge of a run: the row its judgments point to. */
export interface JudgeRecord {
  sha256: string;
  model: string;
  provider: string;
  rubric: string;
  /** The rubric template's sha256. */
  template: string;
  /** Options and generation parameters (JSON). */
  params: Record<string, unknown>;
}

/** One judge call (one sample) and how its reply was read. */
export interface JudgmentRecord {
  sample: number;
  judgeId: number;
  prompt: string;
  system?: string;
  reply: string | null;
  finishReason?: string;
  /** The verdict as written: "4", "correct", "A". Null when the reply could not be read. */
  verdict: string | null;
  /** On the rubric's scale (weighted when `weighting` says so); null when unreadable. */
  score: number | null;
  reasoning: string | null;
  /** Verdict -> probability, from log-probs or likelihoods. */
  distribution?: Record<string, number>;
  /** "logprobs", "likelihood", or "parsed (REASON)" when log-probs were asked for and could not be used. */
  weighting?: string;
  status: "ok" | "unparsed" | "schema" | "out-of-range" | "truncated" | "error";
  error?: string;
  /** Whether untrusted text had fence markers or section headers neutralised. */
  neutralised: boolean;
  cached: boolean;
  attempts: number;
  latencyMs?: number;
  inputTokens?: number;
  outputTokens?: number;
  costUsd?: number;
}

/** Insert (or find) a run's judge; returns its id. */
export function upsertJudge(db: Db, runId: number, judge: JudgeRecord): number {
  db.prepare(
    "INSERT INTO judges (run_id, sha256, model, provider, rubric, template, params) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, sha256) DO NOTHING",
  ).run(runId, judge.sha256, judge.model, judge.provider, judge.rubric, judge.template, JSON.stringify(judge.params));
  return db.prepare("SELECT id FROM judges WHERE run_id = ? AND sha256 = ?").pluck().get(runId, judge.sha256) as number;
}

/** The columns a pointwise and a pairwise judgment share: one judge call and how its reply was read. */
export const judgeCallColumns = [
  "sample",
  "judge_id",
  "prompt",
  "system",
  "reply",
  "finish_reason",
  "verdict",
  "reasoning",
  "status",
  "error",
  "neutralised",
  "cached",
  "attempts",
  "latency_ms",
  "input_tokens",
  "output_tokens",
  "cost_usd",
];

/** A judgment's values for judgeCallColumns, in order. */
export function judgeCallValues(j: JudgmentRecord): unknown[] {
  return [
    j.sample,
    j.judgeId,
    j.prompt,
    j.system ?? null,
    j.reply,
    j.finishReason ?? null,
    j.verdict,
    j.reasoning,
    j.status,
    j.error ?? null,
    j.neutralised ? 1 : 0,
    j.cached ? 1 : 0,
    j.attempts,
    j.latencyMs ?? null,
    j.inputTokens ?? null,
    j.outputTokens ?? null,
    j.costUsd ?? null,
  ];
}

/** Inserts judgments of trials inside the caller's transaction: push rows with `add`, then `flush`. */
export function judgmentInserter(db: Db): { add(trialId: number, scorerId: number, j: JudgmentRecord): void; flush(): void } {
  const insert = multiRowInsert(db, "judgments", ["trial_id", "scorer_id", ...judgeCallColumns, "score", "distribution", "weighting"]);
  let rows: unknown[] = [];
  return {
    add(trialId, scorerId, j) {
      rows.push(
        trialId,
        scorerId,
        ...judgeCallValues(j),
        j.score,
        j.distribution ? JSON.stringify(j.distribution) : null,
        j.weighting ?? null,
      );
    },
    flush() {
      insert(rows);
      rows = [];
    },
  };
}

/** Judgments per (model, strategy, scorer) of a run: how many, and how many could not be read or failed. */
export function judgmentCounts(db: Db, runId: number): Map<string, { judgments: number; unreadable: number; failed: number }> {
  const rows = db
    .prepare(
      `SELECT tr.model_id AS modelId, tr.strategy_id AS strategyId, j.scorer_id AS scorerId, COUNT(*) AS judgments,
              SUM(j.status NOT IN ('ok', 'error')) AS unreadable, SUM(j.status = 'error') AS failed
       FROM judgments j JOIN trials tr ON tr.id = j.trial_id JOIN models m ON m.id = tr.model_id
       WHERE m.run_id = ?
       GROUP BY tr.model_id, tr.strategy_id, j.scorer_id`,
    )
    .all(runId) as { modelId: number; strategyId: number; scorerId: number; judgments: number; unreadable: number; failed: number }[];
  return new Map(rows.map((r) => [`${r.modelId}/${r.strategyId}/${r.scorerId}`, r]));
}

/** Per trial of a task, the values of two of its scorers (both scored): a judge's agreement with a metric. */
export function pairedScorerValues(db: Db, taskId: number, scorerA: string, scorerB: string): { a: number; b: number; item: number }[] {
  return db
    .prepare(
      `SELECT sa.value AS a, sb.value AS b, tr.item_id AS item
       FROM trials tr
       JOIN strategies st ON st.id = tr.strategy_id
       JOIN scorers ca ON ca.task_id = st.task_id AND ca.name = ?
       JOIN scorers cb ON cb.task_id = st.task_id AND cb.name = ?
       JOIN scores sa ON sa.trial_id = tr.id AND sa.scorer_id = ca.id
       JOIN scores sb ON sb.trial_id = tr.id AND sb.scorer_id = cb.id
       WHERE st.task_id = ? AND sa.value IS NOT NULL AND sb.value IS NOT NULL
       ORDER BY tr.id`,
    )
    .all(scorerA, scorerB, taskId) as { a: number; b: number; item: number }[];
}

/** The judge scorers of a run's tasks, with their stored specs (JSON `{name, args, label}`). */
export function runJudgeScorers(db: Db, runId: number): { taskId: number; task: string; scorerId: number; name: string; args: string }[] {
  return db
    .prepare(
      `SELECT tk.id AS taskId, tk.suite || '/' || tk.task AS task, sc.id AS scorerId, sc.name, sc.args
       FROM scorers sc JOIN tasks tk ON tk.id = sc.task_id
       WHERE tk.run_id = ? AND json_extract(sc.args, '$.name') = 'judge'
       ORDER BY tk.id, sc.id`,
    )
    .all(runId) as { taskId: number; task: string; scorerId: number; name: string; args: string }[];
}

/** A judge score of a run whose every judgment failed (the judge model was down): resume judges it again. */
export interface FailedJudgeScore {
  trialId: number;
  scorerId: number;
  taskId: number;
  itemKey: string;
  fields: string;
  targets: string | null;
  strategy: string;
  output: string;
  answer: string | null;
}

/** Judge scores of a run left unscored because every judge call failed after its retries. */
export function failedJudgeScores(db: Db, runId: number): FailedJudgeScore[] {
  return db
    .prepare(
      `SELECT s.trial_id AS trialId, s.scorer_id AS scorerId, st.task_id AS taskId, it.item_key AS itemKey, it.fields, it.targets,
              st.name AS strategy, tr.output, tr.answer
       FROM scores s
       JOIN trials tr ON tr.id = s.trial_id JOIN items it ON it.id = tr.item_id JOIN strategies st ON st.id = tr.strategy_id
       JOIN models m ON m.id = tr.model_id
       WHERE m.run_id = ? AND s.value IS NULL
         AND EXISTS (SELECT 1 FROM judgments j WHERE j.trial_id = s.trial_id AND j.scorer_id = s.scorer_id)
         AND NOT EXISTS (SELECT 1 FROM judgments j WHERE j.trial_id = s.trial_id AND j.scorer_id = s.scorer_id AND j.status <> 'error')
       ORDER BY s.trial_id, s.scorer_id`,
    )
    .all(runId) as FailedJudgeScore[];
}

/** Replace a judge score and its judgments (a failed judgment judged again), in one transaction. */
export function judgedAgainWriter(
  db: Db,
): (rows: { trialId: number; scorerId: number; value: number | null; explanation?: string; judgments: JudgmentRecord[] }[]) => void {
  const score = db.prepare("UPDATE scores SET value = ?, explanation = ? WHERE trial_id = ? AND scorer_id = ?");
  const drop = db.prepare("DELETE FROM judgments WHERE trial_id = ? AND scorer_id = ?");
  const judgments = judgmentInserter(db);
  return db.transaction(
    (rows: { trialId: number; scorerId: number; value: number | null; explanation?: string; judgments: JudgmentRecord[] }[]) => {
      for (const r of rows) {
        score.run(r.value, r.explanation ?? null, r.trialId, r.scorerId);
        drop.run(r.trialId, r.scorerId);
        for (const j of r.judgments) judgments.add(r.trialId, r.scorerId, j);
      }
      judgments.flush();
    },
  ).immediate;
}

/** Judge scores of a run's items that carry a `probe` field (the judge-robustness suite), with the item's fields. */
export function probeScores(
  db: Db,
  runId: number,
): { task: string; item: string; fields: string; strategy: string; value: number | null; outputLength: number }[] {
  return db
    .prepare(
      `SELECT tk.task, it.item_key AS item, it.fields, st.name AS strategy, s.value, length(tr.output) AS outputLength
       FROM scores s
       JOIN scorers sc ON sc.id = s.scorer_id JOIN trials tr ON tr.id = s.trial_id
       JOIN items it ON it.id = tr.item_id JOIN strategies st ON st.id = tr.strategy_id JOIN tasks tk ON tk.id = st.task_id
       WHERE tk.run_id = ? AND json_extract(sc.args, '$.name') = 'judge' AND json_extract(it.fields, '$.probe') IS NOT NULL
       ORDER BY tr.id`,
    )
    .all(runId) as { task: string; item: string; fields: string; strategy: string; value: number | null; outputLength: number }[];
}

/** Whether a run's tasks have judge scorers and pairwise judges (a cheap look at its scorers). */
export function judgeKinds(db: Db, runId: number): { judge: boolean; pairwise: boolean } {
  const row = db
    .prepare(
      `SELECT COALESCE(MAX(json_extract(sc.args, '$.name') = 'judge'), 0) AS judge, COALESCE(MAX(json_extract(sc.args, '$.name') = 'pairwise'), 0) AS pairwise
       FROM scorers sc JOIN tasks tk ON tk.id = sc.task_id WHERE tk.run_id = ?`,
    )
    .get(runId) as { judge: number; pairwise: number };
  return { judge: row.judge === 1, pairwise: row.pairwise === 1 };
}
