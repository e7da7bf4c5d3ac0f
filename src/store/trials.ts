// Writes finished trials (with generations, prompts and scores) in batched transactions.
import type { Db } from "./db.ts";

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

/** How many recently written prompts the writer remembers (per generation of its two-map window). */
const promptWindow = 2048;

/**
 * Returns a function writing a batch of trials in one IMMEDIATE transaction. A prompt written
 * recently (the same item's prompt for other models, samples or generations comes within
 * a few hundred trials in plan order) is referenced again instead of stored again; the
 * window is bounded so memory stays flat on long runs.
 */
export function trialWriter(db: Db): (trials: TrialRecord[]) => void {
  const prompt = db.prepare("INSERT INTO prompts (text, system) VALUES (?, ?)");
  const trial = db.prepare(
    `INSERT INTO trials (item_id, strategy_id, model_id, sample, status, output, answer, error, latency_ms, input_tokens, output_tokens, cost_usd)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const generation = db.prepare(
    `INSERT INTO generations (trial_id, idx, prompt_id, output, answer, finish_reason, seed, cached, attempts, latency_ms, input_tokens, output_tokens, error)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const score = db.prepare("INSERT INTO scores (trial_id, scorer_id, value, explanation, stats) VALUES (?, ?, ?, ?, ?)");
  // Two generations of a map (key: the text, or system + NUL + text): lookups try both,
  // inserts go to the newer, and the older is dropped when the newer fills up.
  let recent = new Map<string, number | bigint>();
  let older = new Map<string, number | bigint>();
  const promptId = (text: string, system: string | undefined): number | bigint => {
    const key = system === undefined ? text : `${system}\u0000${text}`;
    let id = recent.get(key) ?? older.get(key);
    if (id === undefined) {
      id = prompt.run(text, system ?? null).lastInsertRowid;
      if (recent.size >= promptWindow) {
        older = recent;
        recent = new Map();
      }
      recent.set(key, id);
    }
    return id;
  };
  const writeBatch = db.transaction((trials: TrialRecord[]) => {
    for (const t of trials) {
      const id = trial.run(t.itemId, t.strategyId, t.modelId, t.sample, t.status, t.output, t.answer, t.error ?? null, t.latencyMs ?? null, t.inputTokens ?? null, t.outputTokens ?? null, t.costUsd ?? null)
        .lastInsertRowid;
      for (const g of t.generations) {
        const pid = promptId(g.promptText, g.system);
        generation.run(id, g.idx, pid, g.output, g.answer, g.finishReason ?? null, g.seed ?? null, g.cached ? 1 : 0, g.attempts, g.latencyMs ?? null, g.inputTokens ?? null, g.outputTokens ?? null, g.error ?? null);
      }
      for (const s of t.scores) score.run(id, s.scorerId, s.value, s.explanation ?? null, s.stats ? JSON.stringify(s.stats) : null);
    }
  }).immediate; // the write lock first: a concurrent writer makes this wait, not fail
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
