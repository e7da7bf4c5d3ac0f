// Writes finished trials (with their calls, prompts and scores) in batched transactions.
import type { Db } from "./db.ts";
import { judgmentInserter, type JudgmentRecord } from "./judgments.ts";
import { multiRowInsert } from "./multi-row-insert.ts";

export interface GenerationRecord {
  idx: number;
  promptText: string;
  system?: string;
  output: string | null;
  answer: string | null;
  finishReason?: string;
  seed?: number;
  cached: boolean;
  attempts: number;
  latencyMs?: number;
  inputTokens?: number;
  outputTokens?: number;
  /** Inference measurements of a local call (see Generation). */
  ttftMs?: number;
  prefillTokens?: number;
  draftAccepted?: number;
  draftProposed?: number;
  error?: string;
  /** best-of-n: this sample's score under the selecting scorer. */
  selection?: number | null;
}

export interface TrialRecord {
  itemId: number;
  strategyId: number;
  modelId: number;
  sample: number;
  status: "done" | "error";
  output: string | null;
  answer: string | null;
  error?: string;
  latencyMs?: number;
  inputTokens?: number;
  outputTokens?: number;
  costUsd?: number;
  /** The first call's time to first token; the others summed over the trial's calls. */
  ttftMs?: number;
  prefillTokens?: number;
  draftAccepted?: number;
  draftProposed?: number;
  generations: GenerationRecord[];
  scores: {
    scorerId: number;
    value: number | null;
    explanation?: string;
    stats?: number[];
    /** A judge's calls behind the score. */
    judgments?: JudgmentRecord[];
    /** Response-cache entries the judge's calls produced (the writer stores them with the trial's). */
    cacheEntries?: [string, string][];
  }[];
}

/** How many recently written prompts the writer remembers (per generation of its two-map window). */
const promptWindow = 2048;

/**
 * Returns a function writing a batch of trials in one IMMEDIATE transaction (the write lock
 * first: a concurrent writer makes it wait, not fail). A trial whose one call produced its
 * output and answer keeps the call on its own row; otherwise its calls go to `generations`
 * (see migration 003). A prompt written recently (the same item's prompt for other models,
 * samples or generations comes within a few hundred trials in plan order) is referenced
 * again instead of stored again; the window is bounded so memory stays flat on long runs.
 * Rows are inserted 64 to a statement with ids assigned here: inside the transaction no other
 * process can insert, so max(id) + 1 is the id SQLite would have chosen.
 */
export function trialWriter(db: Db): (trials: TrialRecord[]) => void {
  const promptInsert = multiRowInsert(db, "prompts", ["id", "text", "system"]);
  const trialInsert = multiRowInsert(db, "trials", [
    "id",
    "item_id",
    "strategy_id",
    "model_id",
    "sample",
    "status",
    "output",
    "answer",
    "error",
    "latency_ms",
    "input_tokens",
    "output_tokens",
    "cost_usd",
    "prompt_id",
    "finish_reason",
    "seed",
    "cached",
    "attempts",
    "ttft_ms",
    "prefill_tokens",
    "draft_accepted",
    "draft_proposed",
  ]);
  const generationInsert = multiRowInsert(db, "generations", [
    "trial_id",
    "idx",
    "prompt_id",
    "output",
    "answer",
    "finish_reason",
    "seed",
    "cached",
    "attempts",
    "latency_ms",
    "input_tokens",
    "output_tokens",
    "error",
    "selection",
    "ttft_ms",
    "prefill_tokens",
    "draft_accepted",
    "draft_proposed",
  ]);
  const scoreInsert = multiRowInsert(db, "scores", ["trial_id", "scorer_id", "value", "explanation", "stats"]);
  const judgments = judgmentInserter(db);
  const maxTrialId = db.prepare("SELECT COALESCE(MAX(id), 0) FROM trials").pluck();
  const maxPromptId = db.prepare("SELECT COALESCE(MAX(id), 0) FROM prompts").pluck();
  // Two generations of a map (key: the text, or system + NUL + text): lookups try both,
  // inserts go to the newer, and the older is dropped when the newer fills up.
  let recent = new Map<string, number>();
  let older = new Map<string, number>();
  const writeBatch = db.transaction((trials: TrialRecord[]) => {
    let trialId = maxTrialId.get() as number;
    let promptId = maxPromptId.get() as number;
    const prompts: unknown[] = [];
    const trialRows: unknown[] = [];
    const generationRows: unknown[] = [];
    const scoreRows: unknown[] = [];
    const promptIdOf = (text: string, system: string | undefined): number => {
      const key = system === undefined ? text : `${system}\u0000${text}`;
      let id = recent.get(key) ?? older.get(key);
      if (id === undefined) {
        id = ++promptId;
        prompts.push(id, text, system ?? null);
        if (recent.size >= promptWindow) {
          older = recent;
          recent = new Map();
        }
        recent.set(key, id);
      }
      return id;
    };
    for (const t of trials) {
      const id = ++trialId;
      const first = t.generations[0];
      const onTrialRow = t.generations.length === 1 && first.output === t.output && first.answer === t.answer;
      const prompt = first ? promptIdOf(first.promptText, first.system) : null;
      trialRows.push(
        id,
        t.itemId,
        t.strategyId,
        t.modelId,
        t.sample,
        t.status,
        t.output,
        t.answer,
        t.error ?? null,
        t.latencyMs ?? null,
        t.inputTokens ?? null,
        t.outputTokens ?? null,
        t.costUsd ?? null,
        prompt,
        onTrialRow ? (first.finishReason ?? null) : null,
        onTrialRow ? (first.seed ?? null) : null,
        onTrialRow ? (first.cached ? 1 : 0) : null,
        onTrialRow ? first.attempts : null,
        t.ttftMs ?? null,
        t.prefillTokens ?? null,
        t.draftAccepted ?? null,
        t.draftProposed ?? null,
      );
      if (!onTrialRow) {
        for (const g of t.generations) {
          generationRows.push(
            id,
            g.idx,
            promptIdOf(g.promptText, g.system),
            g.output,
            g.answer,
            g.finishReason ?? null,
            g.seed ?? null,
            g.cached ? 1 : 0,
            g.attempts,
            g.latencyMs ?? null,
            g.inputTokens ?? null,
            g.outputTokens ?? null,
            g.error ?? null,
            g.selection ?? null,
            g.ttftMs ?? null,
            g.prefillTokens ?? null,
            g.draftAccepted ?? null,
            g.draftProposed ?? null,
          );
        }
      }
      for (const s of t.scores) {
        scoreRows.push(id, s.scorerId, s.value, s.explanation ?? null, s.stats ? JSON.stringify(s.stats) : null);
        if (s.judgments) for (const j of s.judgments) judgments.add(id, s.scorerId, j);
      }
    }
    promptInsert(prompts);
    trialInsert(trialRows);
    generationInsert(generationRows);
    scoreInsert(scoreRows);
    judgments.flush();
  }).immediate;
  return (trials) => {
    // A rolled-back transaction may have taken ids the window now remembers: forget them all.
    try {
      writeBatch(trials);
    } catch (error) {
      recent = new Map();
      older = new Map();
      throw error;
    }
  };
}
