// Pairwise results of a run: per task and pair of contestants, wins, ties, inconsistent
// verdicts (the two orders disagreed) and unreadable ones; and Bradley-Terry ratings of the
// contestants from those outcomes, with percentile bootstrap intervals (as Chatbot Arena).
import { pairOutcome, type PairOutcome, type PairTally, tallyOutcomes } from "../score/autorater/pairwise.ts";
import { type BradleyTerryBootstrap, bradleyTerryBootstrap, type PairwiseJudgment } from "../stats/bradley-terry.ts";
import type { Db } from "../store/db.ts";
import { runPairVerdicts, type StoredPairVerdict } from "../store/pairwise.ts";

export interface Contestant {
  model: string;
  strategy: string;
}

/** One pair of contestants on one task: a is the contestant registered first. */
export interface PairwiseRow extends PairTally {
  task: string;
  metric: string;
  a: Contestant;
  b: Contestant;
  /** Share of items judged in both orders whose two verdicts agreed; null without swap. */
  consistency: number | null;
}

/** A contestant's Bradley-Terry rating (Elo-like scale, mean 1000) with its bootstrap interval. */
export interface RankingRow {
  task: string;
  metric: string;
  model: string;
  strategy: string;
  rating: number;
  ci: [number, number] | null;
  /** Virtual ties added per pair when the maximum-likelihood fit does not exist (a contestant won or lost every game). */
  prior: number;
}

/** The pairwise rows and rankings of a run. */
export function pairwiseSummary(
  db: Db,
  runId: number,
  options: { seed?: number; iterations?: number } = {},
): { pairwise: PairwiseRow[]; rankings: RankingRow[] } {
  const verdicts = runPairVerdicts(db, runId);
  const pairwise: PairwiseRow[] = [];
  const rankings: RankingRow[] = [];
  for (const group of groupBy(verdicts, (v) => String(v.scorerId))) {
    const first = group[0];
    const swap = first.swap !== 0;
    // One outcome per (pair, item, sample). The pair's `a` is the contestant whose name sorts
    // first; `first` is the verdict with a shown first, `second` the one with b shown first.
    const cells = new Map<string, { a: Contestant; b: Contestant; first?: StoredPairVerdict; second?: StoredPairVerdict }>();
    for (const v of group) {
      const x = { model: v.modelA, strategy: v.strategyA };
      const y = { model: v.modelB, strategy: v.strategyB };
      const xFirst = name(x) < name(y);
      const [a, b] = xFirst ? [x, y] : [y, x];
      const id = `${name(a)}\u0001${name(b)}\u0001${v.itemId}\u0001${v.sample}`;
      const cell = cells.get(id) ?? { a, b };
      if (xFirst) cell.first = v;
      else cell.second = v;
      cells.set(id, cell);
    }
    const byPair = new Map<string, { a: Contestant; b: Contestant; outcomes: PairOutcome[] }>();
    const games: PairwiseJudgment[] = [];
    for (const cell of cells.values()) {
      const { a, b } = cell;
      let outcome: PairOutcome;
      if (swap) outcome = cell.first && cell.second ? pairOutcome(cell.first.verdict, cell.second.verdict) : "unscored";
      // Without swap the one verdict decides, read from whichever side was shown first.
      else outcome = cell.first ? pairOutcome(cell.first.verdict) : flip(pairOutcome(cell.second!.verdict));
      const key = `${name(a)}\u0001${name(b)}`;
      const entry = byPair.get(key) ?? { a, b, outcomes: [] };
      entry.outcomes.push(outcome);
      byPair.set(key, entry);
      if (outcome === "a" || outcome === "b" || outcome === "tie" || outcome === "inconsistent")
        games.push({ a: name(a), b: name(b), winner: outcome === "a" ? "a" : outcome === "b" ? "b" : "tie" });
    }
    for (const entry of byPair.values()) {
      const tally = tallyOutcomes(entry.outcomes);
      pairwise.push({
        task: first.task,
        metric: first.label,
        a: entry.a,
        b: entry.b,
        ...tally,
        consistency: swap && tally.n > 0 ? (tally.n - tally.inconsistent) / tally.n : null,
      });
    }
    const fit = fitRatings(games, options);
    if (fit)
      for (const contestant of fit.boot.fit.models) {
        const [model, strategy] = contestant.split("\u0000");
        const ci = fit.boot.intervals[contestant];
        rankings.push({
          task: first.task,
          metric: first.label,
          model,
          strategy,
          rating: fit.boot.fit.ratings[contestant],
          ci: ci && Number.isFinite(ci[0]) && Number.isFinite(ci[1]) ? ci : null,
          prior: fit.prior,
        });
      }
  }
  rankings.sort((x, y) => (x.task === y.task ? y.rating - x.rating : x.task.localeCompare(y.task)));
  return { pairwise, rankings };
}

/** Bradley-Terry with bootstrap intervals: the maximum-likelihood fit, else one virtual tie per pair when a contestant won or lost every game. */
export function fitRatings(
  games: PairwiseJudgment[],
  options: { seed?: number; iterations?: number },
): { boot: BradleyTerryBootstrap; prior: number } | undefined {
  if (games.length === 0) return undefined;
  for (const prior of [0, 1]) {
    try {
      return { boot: bradleyTerryBootstrap(games, { seed: options.seed ?? 0, iterations: options.iterations ?? 1000, prior }), prior };
    } catch (error) {
      if ((error as { code?: string }).code !== "E_BRADLEY_TERRY_NO_MLE") throw error;
    }
  }
  return undefined;
}

function flip(outcome: PairOutcome): PairOutcome {
  return outcome === "a" ? "b" : outcome === "b" ? "a" : outcome;
}

function name(c: Contestant): string {
  return `${c.model}\u0000${c.strategy}`;
}

function groupBy<T>(rows: T[], key: (row: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  return [...groups.values()];
}
