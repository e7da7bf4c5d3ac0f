// Human ratings of a run as a `human` metric: per review queue, the mean normalised rating of
// each (task, model, strategy) with a t interval over outputs, and for pairwise queues the win
// rates of each pair of contestants and their Bradley-Terry ratings; and the terminal blocks.
import type { ReviewRubric } from "../score/human/types.ts";
import type { PairwiseJudgment } from "../stats/bradley-terry.ts";
import { tInterval, wilsonInterval } from "../stats/intervals.ts";
import { type Db, schemaVersion } from "../store/db.ts";
import { pairwisePreferences, pointwiseOutputs, pointwiseRaters, type RatedOutput, runReviewQueues } from "../store/human-summary.ts";
import { type Contestant, fitRatings } from "./pairwise-summary.ts";
import { columns } from "./table.ts";

/** A (task, model, strategy)'s human rating in one pointwise queue. */
export interface HumanRow {
  task: string;
  model: string;
  strategy: string;
  metric: "human";
  /** Mean rating normalised to [0, 1] by the rubric's lowest and highest points; null without a scale. */
  value: number | null;
  ci: [number, number] | null;
  /** Outputs rated (the unit of the interval). */
  n: number;
  ratings: number;
  raters: number;
}

/** One pair of contestants on one task in a pairwise queue: a is the contestant whose name sorts first. */
export interface HumanPairRow {
  task: string;
  a: Contestant;
  b: Contestant;
  a_wins: number;
  b_wins: number;
  ties: number;
  /** Current ratings of the pair. */
  n: number;
  /** Queue items (pairs of outputs) rated: the unit of the interval. */
  items: number;
  raters: number;
  /** a's win rate, ties counting half, each item's raters averaged first. */
  a_win_rate: number;
  ci: [number, number];
}

/** A contestant's Bradley-Terry rating from human preferences (Elo-like scale, mean 1000). */
export interface HumanRankingRow {
  task: string;
  /** 1 = the highest rating of the task. */
  rank: number;
  model: string;
  strategy: string;
  rating: number;
  ci: [number, number] | null;
  /** Virtual ties per pair added when the maximum-likelihood fit does not exist. */
  prior: number;
}

/** The `human` figures of one review queue. */
export interface HumanQueueSummary {
  queue: string;
  mode: "pointwise" | "pairwise";
  /** The rubric's name. */
  rubric: string;
  /** Pointwise: the rubric's lowest and highest score, which map to 0 and 1. */
  scale: [number, number] | null;
  rows: HumanRow[];
  pairwise: HumanPairRow[];
  rankings: HumanRankingRow[];
}

/** Every review queue of a run, summarised; `queues` is empty when it has none. */
export interface HumanReport {
  queues: HumanQueueSummary[];
}

/** The schema that added review queues and ratings (005-review.sql). */
const reviewSchema = 5;

/**
 * The human ratings of run `runId`, per review queue made on it. Only current ratings count
 * (a rater's newest row on an item, when it is not a retraction); gold items never do.
 * @example humanReport(openStore(path, { readonly: true }), 3, { seed: 0 }).queues[0].rows
 */
export function humanReport(db: Db, runId: number, options: { seed?: number; iterations?: number } = {}): HumanReport {
  // A store from before schema 5 has no review tables (readers never upgrade a store).
  if (schemaVersion(db) < reviewSchema) return { queues: [] };
  const queues: HumanQueueSummary[] = [];
  for (const q of runReviewQueues(db, runId)) {
    const rubric = JSON.parse(q.rubric) as ReviewRubric;
    const scale = rubricScale(rubric);
    const summary: HumanQueueSummary = { queue: q.name, mode: q.mode, rubric: rubric.name, scale, rows: [], pairwise: [], rankings: [] };
    if (q.mode === "pointwise") summary.rows = pointwiseRows(db, q.id, scale);
    else Object.assign(summary, pairwiseRows(db, q.id, options));
    queues.push(summary);
  }
  return { queues };
}

function rubricScale(rubric: ReviewRubric): [number, number] | null {
  const scores = rubric.points.map((p) => p.score);
  if (scores.length < 2) return null;
  const [lo, hi] = [Math.min(...scores), Math.max(...scores)];
  return lo < hi ? [lo, hi] : null;
}

/**
 * One row per (task, model, strategy). The K ratings of one output are not independent (they
 * share the output, and raters agree more on it than across outputs), so each output's ratings
 * are averaged first and the t interval is over outputs: n is the number of outputs, as a
 * summary's n is items with an item's samples averaged first. The mean of the normalised
 * scores is the normalised mean, so the store averages on the rubric's scale.
 */
function pointwiseRows(db: Db, queueId: number, scale: [number, number] | null): HumanRow[] {
  const raters = pointwiseRaters(db, queueId);
  const rows: HumanRow[] = [];
  let group: { key: string; first: RatedOutput; values: number[]; ratings: number } | undefined;
  const finish = () => {
    if (!group) return;
    const { first, values } = group;
    const scored = scale !== null;
    rows.push({
      task: first.task,
      model: first.model,
      strategy: first.strategy,
      metric: "human",
      value: scored ? values.reduce((s, v) => s + v, 0) / values.length : null,
      ci: scored && values.length >= 2 ? clipped(tInterval(values)) : null,
      n: values.length,
      ratings: group.ratings,
      raters: raters.get(group.key) ?? 0,
    });
  };
  for (const output of pointwiseOutputs(db, queueId)) {
    const key = `${output.taskId}/${output.modelId}/${output.strategyId}`;
    if (group?.key !== key) {
      finish();
      group = { key, first: output, values: [], ratings: 0 };
    }
    group.values.push(scale ? (output.mean - scale[0]) / (scale[1] - scale[0]) : Number.NaN);
    group.ratings += output.ratings;
  }
  finish();
  return rows;
}

interface PairAccumulator {
  task: string;
  a: Contestant;
  b: Contestant;
  a_wins: number;
  b_wins: number;
  ties: number;
  raters: Set<number>;
  /** Per queue item: a's credit summed over its raters (win 1, tie 1/2) and the raters. */
  items: Map<number, { credit: number; ratings: number }>;
}

/**
 * Per task and pair of contestants: wins, losses and ties of current ratings, each preference
 * mapped from the side shown (A = first shown; swapped = output_b was shown first) to the
 * contestant of that output. The win rate averages each item's raters first; its interval is
 * Wilson's with that mean as the proportion over items (item values lie in [0, 1], so their
 * variance is at most m(1 - m): conservative, as pass@k's in report/summary.ts).
 * Bradley-Terry takes every rating as one game (as Chatbot Arena takes every vote).
 */
function pairwiseRows(
  db: Db,
  queueId: number,
  options: { seed?: number; iterations?: number },
): { pairwise: HumanPairRow[]; rankings: HumanRankingRow[] } {
  const pairs = new Map<string, PairAccumulator>();
  const games = new Map<string, PairwiseJudgment[]>();
  for (const p of pairwisePreferences(db, queueId)) {
    const x = { model: p.modelA, strategy: p.strategyA };
    const y = { model: p.modelB, strategy: p.strategyB };
    const shownFirst = p.swapped === 1 ? y : x;
    const winner = p.preference === "tie" ? undefined : p.preference === "A" ? shownFirst : shownFirst === x ? y : x;
    const [a, b] = name(x) < name(y) ? [x, y] : [y, x];
    const key = `${p.task}\u0001${name(a)}\u0001${name(b)}`;
    let pair = pairs.get(key);
    if (!pair) {
      pair = { task: p.task, a, b, a_wins: 0, b_wins: 0, ties: 0, raters: new Set(), items: new Map() };
      pairs.set(key, pair);
    }
    const credit = winner === undefined ? 0.5 : winner === a ? 1 : 0;
    if (credit === 1) pair.a_wins++;
    else if (credit === 0) pair.b_wins++;
    else pair.ties++;
    pair.raters.add(p.raterId);
    const item = pair.items.get(p.itemId) ?? { credit: 0, ratings: 0 };
    item.credit += credit;
    item.ratings++;
    pair.items.set(p.itemId, item);
    const taskGames = games.get(p.task) ?? [];
    taskGames.push({ a: name(a), b: name(b), winner: credit === 1 ? "a" : credit === 0 ? "b" : "tie" });
    games.set(p.task, taskGames);
  }
  const pairwise: HumanPairRow[] = [];
  for (const pair of pairs.values()) {
    let sum = 0;
    for (const item of pair.items.values()) sum += item.credit / item.ratings;
    const items = pair.items.size;
    pairwise.push({
      task: pair.task,
      a: pair.a,
      b: pair.b,
      a_wins: pair.a_wins,
      b_wins: pair.b_wins,
      ties: pair.ties,
      n: pair.a_wins + pair.b_wins + pair.ties,
      items,
      raters: pair.raters.size,
      a_win_rate: sum / items,
      ci: wilsonInterval(sum, items),
    });
  }
  const rankings: HumanRankingRow[] = [];
  for (const [task, taskGames] of games) {
    const fit = fitRatings(taskGames, options);
    if (!fit) continue;
    const ranked = fit.boot.fit.models.map((contestant) => {
      const [model, strategy] = contestant.split("\u0000");
      const ci = fit.boot.intervals[contestant];
      return {
        task,
        rank: 0,
        model,
        strategy,
        rating: fit.boot.fit.ratings[contestant],
        ci: ci && Number.isFinite(ci[0]) && Number.isFinite(ci[1]) ? ci : null,
        prior: fit.prior,
      };
    });
    ranked.sort((p, q) => q.rating - p.rating);
    ranked.forEach((r, i) => {
      r.rank = i + 1;
    });
    rankings.push(...ranked);
  }
  return { pairwise, rankings };
}

function name(c: Contestant): string {
  return `${c.model}\u0000${c.strategy}`;
}

const f = (x: number | null, digits = 3) => (x === null || Number.isNaN(x) ? "-" : x.toFixed(digits));
const interval = (ci: [number, number] | null, digits = 3) => (ci ? `[${f(ci[0], digits)}, ${f(ci[1], digits)}]` : "-");

/** The terminal blocks of a run's human ratings: empty when it has no review queue. */
export function humanTables(report: HumanReport, options: { width?: number } = {}): string {
  const blocks: string[] = [];
  const rows = report.queues.flatMap((q) => q.rows.map((r) => ({ queue: q.queue, ...r })));
  if (rows.length)
    blocks.push(
      `human ratings (mean rating normalised to [0, 1]; t interval over outputs, each output's raters averaged first)\n${columns(
        ["queue", "task", "model", "strategy", "metric", "value", "95% CI", "n", "ratings", "raters"],
        rows.map((r) => [
          r.queue,
          r.task,
          r.model,
          r.strategy,
          r.metric,
          f(r.value),
          interval(r.ci),
          String(r.n),
          String(r.ratings),
          String(r.raters),
        ]),
        { rightAligned: [5, 7, 8, 9], rule: true, width: options.width },
      )}`,
    );
  const pairs = report.queues.flatMap((q) => q.pairwise.map((p) => ({ queue: q.queue, ...p })));
  if (pairs.length)
    blocks.push(
      `human pairwise (a win rate: ties count half; Wilson interval over rated pairs of outputs)\n${columns(
        ["queue", "task", "a", "b", "a wins", "b wins", "ties", "n", "a win rate", "95% CI"],
        pairs.map((p) => [
          p.queue,
          p.task,
          `${p.a.model} / ${p.a.strategy}`,
          `${p.b.model} / ${p.b.strategy}`,
          String(p.a_wins),
          String(p.b_wins),
          String(p.ties),
          String(p.n),
          f(p.a_win_rate),
          interval(p.ci),
        ]),
        { rightAligned: [4, 5, 6, 7, 8], rule: true, width: options.width },
      )}`,
    );
  const rankings = report.queues.flatMap((q) => q.rankings.map((r) => ({ queue: q.queue, ...r })));
  if (rankings.length)
    blocks.push(
      `human rankings (Bradley-Terry, Elo scale, 95% bootstrap interval)\n${columns(
        ["queue", "task", "rank", "model", "strategy", "rating", "95% CI"],
        rankings.map((r) => [r.queue, r.task, String(r.rank), r.model, r.strategy, f(r.rating, 1), interval(r.ci, 1)]),
        { rightAligned: [2, 5], rule: true, width: options.width },
      )}`,
    );
  return blocks.join("\n\n");
}

// A mean of normalised ratings lies in [0, 1]; a t interval's bounds past them are not values it
// could take (few outputs, a wide interval), so they are clipped, which changes no coverage.
function clipped([lo, hi]: [number, number]): [number, number] {
  return [Math.max(0, lo), Math.min(1, hi)];
}
