// Writes finished trials (with generations, prompts and scores) in batched transactions.
import type { Db } from "./db.ts";

export interface GenerationRecord {
  idx: number;
  promptSha256: string;
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
  error?: string;
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
  generations: GenerationRecord[];
  scores: { scorerId: number; value: number | null; explanation?: string; stats?: number[] }[];
}

/** Returns a function writing a batch of trials in one transaction. */
export function trialWriter(db: Db): (trials: TrialRecord[]) => void {
  const prompt = db.prepare("INSERT OR IGNORE INTO prompts (sha256, text, system) VALUES (?, ?, ?)");
  const trial = db.prepare(
    `INSERT INTO trials (item_id, strategy_id, model_id, sample, status, output, answer, error, latency_ms, input_tokens, output_tokens, cost_usd)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const generation = db.prepare(
    `INSERT INTO generations (trial_id, idx, prompt_sha256, output, answer, finish_reason, seed, cached, attempts, latency_ms, input_tokens, output_tokens, error)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const score = db.prepare("INSERT INTO scores (trial_id, scorer_id, value, explanation, stats) VALUES (?, ?, ?, ?, ?)");
  return db.transaction((trials: TrialRecord[]) => {
    for (const t of trials) {
      const id = trial.run(t.itemId, t.strategyId, t.modelId, t.sample, t.status, t.output, t.answer, t.error ?? null, t.latencyMs ?? null, t.inputTokens ?? null, t.outputTokens ?? null, t.costUsd ?? null)
        .lastInsertRowid;
      for (const g of t.generations) {
        prompt.run(g.promptSha256, g.promptText, g.system ?? null);
        generation.run(id, g.idx, g.promptSha256, g.output, g.answer, g.finishReason ?? null, g.seed ?? null, g.cached ? 1 : 0, g.attempts, g.latencyMs ?? null, g.inputTokens ?? null, g.outputTokens ?? null, g.error ?? null);
      }
      for (const s of t.scores) score.run(id, s.scorerId, s.value, s.explanation ?? null, s.stats ? JSON.stringify(s.stats) : null);
    }
  });
}
