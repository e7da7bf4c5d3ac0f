// The metric library's scorers, by suite name; the core registry (index.ts) spreads this in.
import type { ScorerFactory } from "../types.ts";
import { bleuScorer } from "./bleu.ts";
import { chrfScorer } from "./chrf.ts";
import { choiceScorer } from "./choice.ts";
import { editDistanceScorer } from "./edit-distance.ts";
import { jsonScorer } from "./json.ts";
import { perplexityScorer } from "./perplexity.ts";
import { rouge1Scorer, rouge2Scorer, rougeLScorer, rougeLsumScorer, rougeScorer } from "./rouge.ts";
import { f1Scorer } from "./squad.ts";

/** Every scorer the metric library provides. */
export const metricScorers: Record<string, ScorerFactory> = {
  bleu: bleuScorer,
  chrf: chrfScorer,
  f1: f1Scorer,
  rouge: rougeScorer,
  rouge1: rouge1Scorer,
  rouge2: rouge2Scorer,
  rougeL: rougeLScorer,
  rougeLsum: rougeLsumScorer,
  "edit-distance": editDistanceScorer,
  choice: choiceScorer,
  json: jsonScorer,
  perplexity: perplexityScorer,
};
