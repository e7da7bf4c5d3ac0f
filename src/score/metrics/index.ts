// The scorer registry: suite name -> factory. The metric library adds its own table.
import type { ScorerFactory } from "../types.ts";
import { exactMatchScorer } from "./exact-match.ts";
import { includesScorer } from "./includes.ts";
import { numericScorer } from "./numeric.ts";
import { regexScorer } from "./regex.ts";
import { metricScorers } from "./registry-metrics.ts";

/** Every metric a suite can name (src/score/scorers.ts adds the judge). */
export const metricFactories: Record<string, ScorerFactory> = {
  "exact-match": exactMatchScorer,
  includes: includesScorer,
  regex: regexScorer,
  numeric: numericScorer,
  ...metricScorers,
};
