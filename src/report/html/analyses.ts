// The report's views across rows: strategy effects against zero-shot (compare's paired
// statistics), the overall ranking by mean win rate, and quality against latency and cost
// with the Pareto front.
import { UserError } from "../../errors.ts";
import type { Db } from "../../store/db.ts";
import { medianLatencies } from "../../store/report-queries.ts";
import { trialCounts } from "../../store/summary.ts";
import { compareRuns } from "../compare.ts";
import type { MetricBoard } from "./data.ts";

/** One strategy against the run's zero-shot strategy, for one task, model and metric (B - A on shared items). */
export interface StrategyEffect {
  run: number;
  task: string;
  metric: string;
  model: string;
  baseline: string;
  strategy: string;
  n: number;
  difference: number;
  ci: [number, number];
  pValue: number;
  test: string;
}

/**
 * Every strategy of run `runId` against its zero-shot strategy (the first strategy of kind
 * zero-shot named `zero-shot`, else the first of that kind), per model, task and metric, with
 * the paired interval `compareRuns` computes (McNemar for pass/fail, paired bootstrap for
 * scores and corpus metrics). Empty when the run has no zero-shot strategy or no other one.
 */
export function strategyEffects(
  db: Db,
  runId: number,
  seed: number,
  models: string[],
  strategies: { name: string; kind: string }[],
): StrategyEffect[] {
  const zeroShots = strategies.filter((s) => s.kind === "zero-shot");
  const baseline = (zeroShots.find((s) => s.name === "zero-shot") ?? zeroShots[0])?.name;
  if (baseline === undefined) return [];
  const effects: StrategyEffect[] = [];
  for (const model of models)
    for (const { name } of strategies) {
      if (name === baseline) continue;
      let rows: ReturnType<typeof compareRuns>;
      try {
        rows = compareRuns(db, { run: runId, model, strategy: baseline }, { run: runId, model, strategy: name }, { seed });
      } catch (error) {
        // Strategies of different tasks share no items: nothing to compare, not a mistake.
        if (error instanceof UserError) continue;
        throw error;
      }
      for (const r of rows)
        effects.push({
          run: runId,
          task: r.task,
          metric: r.metric,
          model,
          baseline,
          strategy: name,
          n: r.n,
          difference: r.difference,
          ci: r.ci,
          pValue: r.pValue,
          test: r.test,
        });
    }
  return effects;
}

/** A contestant's mean win rate over the tasks it was measured on. */
export interface WinRate {
  /** `run/model/strategy` when several runs are reported, else `model/strategy`. */
  run: number;
  model: string;
  strategy: string;
  winRate: number;
  tasks: number;
}

/**
 * HELM's mean win rate (Liang et al. 2022, "Holistic Evaluation of Language Models", §4.2):
 * on each task's first metric, a contestant's share of the other contestants it beats (a tie
 * counts half), averaged over the tasks where it and at least one other contestant have a
 * value. Best first.
 */
export function meanWinRates(boards: MetricBoard[]): WinRate[] {
  const firstPerTask = new Map<string, MetricBoard>();
  for (const b of boards) if (!firstPerTask.has(b.task) && b.metric !== "-") firstPerTask.set(b.task, b);
  const sums = new Map<string, WinRate>();
  for (const board of firstPerTask.values()) {
    const rows = board.rows.filter((r) => r.value !== null);
    if (rows.length < 2) continue;
    const sign = board.higherIsBetter ? 1 : -1;
    for (const r of rows) {
      let wins = 0;
      for (const o of rows) if (o !== r) wins += sign * (r.value! - o.value!) > 0 ? 1 : r.value === o.value ? 0.5 : 0;
      const key = `${r.run}\u0000${r.model}\u0000${r.strategy}`;
      const w = sums.get(key) ?? { run: r.run, model: r.model, strategy: r.strategy, winRate: 0, tasks: 0 };
      w.winRate += wins / (rows.length - 1);
      w.tasks += 1;
      sums.set(key, w);
    }
  }
  return [...sums.values()].map((w) => ({ ...w, winRate: w.winRate / w.tasks })).sort((a, b) => b.winRate - a.winRate);
}

/** One (run, model, strategy) of a task: quality against median latency, tokens and cost. */
export interface TradeoffPoint {
  run: number;
  model: string;
  strategy: string;
  quality: number;
  latencyMs: number | null;
  tokens: number | null;
  costUsd: number | null;
  /** No other point is at least as good in quality and as fast, and better in one. */
  pareto: boolean;
}

/** Per task (on its first metric), each row's quality with its median latency, tokens per trial and cost; the latency Pareto front marked. */
export function tradeoffs(
  db: Db,
  runIds: number[],
  boards: MetricBoard[],
): { task: string; metric: string; higherIsBetter: boolean; points: TradeoffPoint[] }[] {
  const costs = new Map<string, ReturnType<typeof trialCounts>[number]>();
  for (const run of runIds) for (const c of trialCounts(db, run)) costs.set(`${run}\u0000${c.task}\u0000${c.model}\u0000${c.strategy}`, c);
  // Latency is skewed (a few slow calls): the median says what a call usually costs.
  const latencies = new Map<string, number>();
  for (const run of runIds)
    for (const l of medianLatencies(db, run)) latencies.set(`${run}\u0000${l.task}\u0000${l.model}\u0000${l.strategy}`, l.latencyMs);
  const seen = new Set<string>();
  const out: ReturnType<typeof tradeoffs> = [];
  for (const board of boards) {
    if (seen.has(board.task) || board.metric === "-") continue;
    seen.add(board.task);
    const points: TradeoffPoint[] = board.rows
      .filter((r) => r.value !== null)
      .map((r) => {
        const key = `${r.run}\u0000${board.task}\u0000${r.model}\u0000${r.strategy}`;
        const c = costs.get(key);
        const tokens =
          c?.trials && (c.inputTokens !== null || c.outputTokens !== null)
            ? ((c.inputTokens ?? 0) + (c.outputTokens ?? 0)) / c.trials
            : null;
        return {
          run: r.run,
          model: r.model,
          strategy: r.strategy,
          quality: r.value!,
          latencyMs: latencies.get(key) ?? null,
          tokens,
          costUsd: c?.costUsd ?? null,
          pareto: false,
        };
      });
    const sign = board.higherIsBetter ? 1 : -1;
    for (const p of points) {
      if (p.latencyMs === null) continue;
      p.pareto = !points.some(
        (o) =>
          o !== p &&
          o.latencyMs !== null &&
          sign * (o.quality - p.quality) >= 0 &&
          o.latencyMs <= p.latencyMs! &&
          (sign * (o.quality - p.quality) > 0 || o.latencyMs < p.latencyMs!),
      );
    }
    out.push({ task: board.task, metric: board.metric, higherIsBetter: board.higherIsBetter, points });
  }
  return out;
}
