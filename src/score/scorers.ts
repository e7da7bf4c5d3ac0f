// Every scorer a suite can name: the metrics and the LLM judge.
import { judgeScorer } from "./autorater/judge.ts";
import { metricFactories } from "./metrics/index.ts";
import type { ScorerFactory } from "./types.ts";

export const scorerFactories: Record<string, ScorerFactory> = { ...metricFactories, judge: judgeScorer };
