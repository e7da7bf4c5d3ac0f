// A run's summary: per task x model x strategy x metric, the value, its 95% interval
// (Wilson for pass/fail rates, Student-t for means, bootstrap for corpus metrics), n and errors.
import type { Db } from "../store/db.ts";
import { itemCorpusStats, itemScores, scoreAggregates, taskDefinitions, trialCounts, type ScoreAggregateRow } from "../store/summary.ts";
import { clusteredMean } from "../stats/cluster.ts";
import { passAtK } from "../stats/reducers.ts";
import { tIntervalFromSums, wilsonInterval } from "../stats/intervals.ts";
import { bootstrapCorpus } from "../stats/bootstrap.ts";
import { judgeDetails, judgeExtras, type JudgeDetails, type JudgeReport, judgeReport } from "./judge-summary.ts";
import { scorerFromStored } from "./stored-scorer.ts";

export interface SummaryResult {
  task: string;
  model: string;
  strategy: string;
  metric: string;
  value: number | null;
  ci: [number, number] | null;
  /**
   * Which interval: wilson, t, bootstrap, cluster (CR1 clustered standard error, t with
   * clusters - 1 df, when the task names a cluster field), or none (too few items).
   */
  interval: "wilson" | "t" | "bootstrap" | "cluster" | "none";
  /** Items scored. */
  n: number;
  errors: number;
  /** Trials whose output had no extractable answer (scored as such, e.g. 0 for exact-match). */
  noAnswer: number;
  /** Scores that could not be computed (null), excluded from n. */
  unscored: number;
  /** True for corpus-level metrics (BLEU, chrF): computed from summed statistics, not a mean. */
  corpus: boolean;
  /** A judge metric's mean on its own scale and its unreadable and failed judgments. */
  judge?: JudgeDetails;
}

/** Summarise a stored run (aggregation in SQL; corpus metrics stream their statistics). */
export function runSummary(
  db: Db,
  runId: number,
  options: { confidence?: number; bootstrapIterations?: number; seed?: number } = {},
): { results: SummaryResult[]; trials: number; errors: number; judges: JudgeReport } {
  const confidence = options.confidence ?? 0.95;
  const counts = new Map(trialCounts(db, runId).map((c) => [`${c.taskId}/${c.modelId}/${c.strategyId}`, c]));
  const results: SummaryResult[] = [];
  const covered = new Set<string>();
  const definitions = taskDefinitions(db, runId);
  const judges = judgeExtras(db, runId);
  for (const row of scoreAggregates(db, runId)) {
    const definition = definitions.get(row.taskId) ?? {};
    const key = `${row.taskId}/${row.modelId}/${row.strategyId}`;
    covered.add(key);
    const c = counts.get(key);
    const base = {
      task: `${row.suite}/${row.task}`,
      model: row.model,
      strategy: row.strategy,
      metric: row.scorer,
      n: row.n,
      errors: c?.errors ?? 0,
      noAnswer: c?.noAnswer ?? 0,
      unscored: row.unscored ?? 0,
      corpus: row.corpus === 1,
    };
    if (row.n === 0) {
      results.push({ ...base, value: null, ci: null, interval: "none" });
    } else if (row.corpus === 1) {
      const scorer = scorerFromStored(row.args);
      // The bootstrap resamples items (an item's repeated samples stay together).
      const perItem = [...itemCorpusStats(db, row.modelId, row.strategyId, row.scorerId).values()];
      const boot =
        perItem.length >= 2
          ? bootstrapCorpus(perItem, scorer.aggregate!, {
              confidence,
              iterations: options.bootstrapIterations ?? 1000,
              seed: options.seed ?? 0,
            })
          : undefined;
      const value = boot ? boot.estimate : perItem.length ? scorer.aggregate!(perItem[0]) : null;
      const ci = boot ? boot.interval : null;
      results.push({ ...base, value, ci, interval: ci ? "bootstrap" : "none" });
    } else if (definition.clusterField) {
      const items = itemScores(db, row.modelId, row.strategyId, row.scorerId).map((i) => ({
        value: i.value,
        cluster: i.cluster ?? i.itemKey,
      }));
      const clustered = clusteredMean(items, { confidence, distribution: "t" });
      const ok = clustered.clusters >= 2;
      results.push({ ...base, value: clustered.mean, ci: ok ? clustered.interval : null, interval: ok ? "cluster" : "none" });
    } else if (row.binary === 1 && row.repeated === 0) {
      results.push({ ...base, value: row.sum! / row.n, ci: wilsonInterval(row.passes, row.n, confidence), interval: "wilson" });
    } else {
      const ci = row.n >= 2 ? tIntervalFromSums(row.n, row.sum!, row.sumSquares!, confidence) : null;
      results.push({ ...base, value: row.sum! / row.n, ci, interval: ci ? "t" : "none" });
    }
    const judge = judges.judges.get(row.scorerId);
    if (judge) {
      const last = results[results.length - 1];
      last.judge = judgeDetails(judge, judges.counts.get(`${row.modelId}/${row.strategyId}/${row.scorerId}`), last.value, last.ci);
    }
    if (row.binary === 1 && definition.passAt?.length) results.push(...passAtRows(db, row, base, definition.passAt, confidence));
  }
  // Task x model x strategy combinations where every trial errored still get a row.
  for (const [key, c] of counts) {
    if (covered.has(key)) continue;
    results.push({
      task: c.task,
      model: c.model,
      strategy: c.strategy,
      metric: "-",
      value: null,
      ci: null,
      interval: "none",
      n: 0,
      errors: c.errors,
      noAnswer: c.noAnswer,
      unscored: 0,
      corpus: false,
    });
  }
  let trials = 0;
  let errors = 0;
  for (const c of counts.values()) {
    trials += c.trials;
    errors += c.errors;
  }
  return { results, trials, errors, judges: judgeReport(db, runId, { seed: options.seed }) };
}

/**
 * pass@k per item with the unbiased estimator (Chen et al. 2021) from the item's n scored
 * samples and c passes, averaged over items. Items with fewer than k samples are left out
 * (the estimator needs n >= k) and not counted in n.
 * The interval is Wilson's with the mean as the proportion: item values lie in [0, 1], so
 * their variance is at most m(1 - m) (Bhatia & Davis 2000), the Bernoulli variance Wilson's
 * score interval assumes. It is therefore conservative, stays in [0, 1] (a t interval gave
 * [0.893, 1.007] for pass@5), keeps a width when every item passes, and for pass@1 with one
 * sample per item is exactly the pass rate's Wilson interval.
 */
function passAtRows(
  db: Db,
  row: ScoreAggregateRow,
  base: Omit<SummaryResult, "value" | "ci" | "interval">,
  ks: number[],
  confidence: number,
): SummaryResult[] {
  const items = itemScores(db, row.modelId, row.strategyId, row.scorerId);
  return ks.map((k) => {
    const values = items.filter((i) => i.samples >= k).map((i) => passAtK(i.samples, Math.round(i.value * i.samples), k));
    const sum = values.reduce((s, v) => s + v, 0);
    const ci = values.length >= 1 ? wilsonInterval(sum, values.length, confidence) : null;
    return {
      ...base,
      metric: `${row.scorer} pass@${k}`,
      n: values.length,
      value: values.length ? sum / values.length : null,
      ci,
      interval: ci ? ("wilson" as const) : ("none" as const),
    };
  });
}
