// Every scorer of a task on one finished trial. A scorer that throws leaves its score
// unscored (null) with the reason; it never turns into a pass, a fail or a trial error.
import type { JudgedResult } from "../score/autorater/judge.ts";
import type { ScoreInput, ScoreResult } from "../score/types.ts";
import type { TrialRecord } from "../store/trials.ts";
import type { PreparedScorer } from "./types.ts";

type Scores = TrialRecord["scores"];

/**
 * Run each scorer on `input`. Synchronous scorers (most metrics) are not awaited: a promise
 * is returned only once a scorer returns one.
 */
export function scoreTrial(scorers: PreparedScorer[], input: ScoreInput): Scores | Promise<Scores> {
  const scores: Scores = [];
  for (let i = 0; i < scorers.length; i++) {
    const { id, scorer } = scorers[i];
    if (skips(scorers[i], input)) continue;
    try {
      const result = scorer.score(input);
      if (result instanceof Promise) return scoreRest(scorers, input, scores, i, result);
      scores.push(scoreRow(id, result));
    } catch (error) {
      scores.push(failedRow(id, error));
    }
  }
  return scores;
}

/** scoreTrial from scorer `from` on, whose result is `pending`. */
async function scoreRest(
  scorers: PreparedScorer[],
  input: ScoreInput,
  scores: Scores,
  from: number,
  pending: Promise<ScoreResult>,
): Promise<Scores> {
  for (let i = from; i < scorers.length; i++) {
    const { id, scorer } = scorers[i];
    if (i !== from && skips(scorers[i], input)) continue;
    try {
      scores.push(scoreRow(id, i === from ? await pending : await scorer.score(input)));
    } catch (error) {
      scores.push(failedRow(id, error));
    }
  }
  return scores;
}

/** A scorer limited to some strategies (a judge's `strategies:`) does not score the others' trials. */
function skips(scorer: PreparedScorer, input: ScoreInput): boolean {
  return scorer.strategies !== undefined && !scorer.strategies.has(input.strategy ?? "");
}

function scoreRow(scorerId: number, result: ScoreResult & Partial<JudgedResult>): Scores[number] {
  const row: Scores[number] = { scorerId, value: result.value, explanation: result.explanation, stats: result.stats };
  if (result.judgments) {
    row.judgments = result.judgments;
    row.cacheEntries = result.cacheEntries;
  }
  return row;
}

function failedRow(scorerId: number, error: unknown): Scores[number] {
  return { scorerId, value: null, explanation: `scorer failed: ${(error as Error).message}` };
}
