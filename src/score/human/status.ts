// `assay review status`: how far a queue is (per rater and per item), how well raters agree
// (Krippendorff's alpha, Cohen's kappa per pair, with item-bootstrap intervals), each rater's
// accuracy on gold items, pairwise win rates and Bradley-Terry ratings, and every judge's
// agreement with the humans through calibrate(). Current ratings only; gold items are left out
// of agreement and summaries.
import { UserError } from "../../errors.ts";
import type { Db } from "../../store/db.ts";
import { claimCounts, currentRatings, itemCompletion, queueJudgeScores, type RatingRecord } from "../../store/review-status.ts";
import { cohenKappa, krippendorffAlpha, type Rating } from "../../stats/agreement.ts";
import { median, percentileSummary } from "../../stats/bootstrap.ts";
import { bradleyTerryBootstrap, type PairwiseJudgment } from "../../stats/bradley-terry.ts";
import { wilsonInterval, type Interval } from "../../stats/intervals.ts";
import { hashSeed, seededRandom } from "../../stats/random.ts";
import { calibrate, type Calibration, type CalibrationUnit } from "../autorater/calibrate.ts";
import { scalePoints } from "../autorater/labels.ts";
import { scaleOfStoredScorer } from "../autorater/calibrate-run.ts";
import { parseStoredRubric, queueByName } from "./queue.ts";
import type { QueueInfo } from "./types.ts";

/** Options of queueStatus. */
export interface StatusOptions {
  /** Bootstrap seed (default 0). */
  seed?: number | string;
  /** Bootstrap resamples (default 1000). */
  resamples?: number;
  /** Clock for "reserved now" (default Date.now()). */
  now?: number;
}

export interface RaterStatus {
  rater: string;
  /** Current ratings, gold items included. */
  rated: number;
  skipped: number;
  /** Reservations live now. */
  reserved: number;
  /** Median time on page of their current ratings (ms); null without times. */
  medianMs: number | null;
  /** Right answers on gold items, with a Wilson interval; null when they rated no gold item. */
  gold: { n: number; correct: number; accuracy: number; ci: Interval } | null;
}

/** An agreement figure with its n and a seeded item-bootstrap interval. */
export interface Agreement {
  value: number;
  ci: Interval;
  /** Items (alpha) or items rated by both (kappa). */
  n: number;
}

export interface QueueStatus {
  queue: QueueInfo;
  raters: RaterStatus[];
  items: { total: number; complete: number; partial: number; untouched: number };
  /** Current ratings of items that are not gold, and the ratings wanted. */
  ratings: { done: number; wanted: number };
  agreement: {
    /** ordinal for a numeric scale; nominal for choices and pairwise preferences (mapped to contestants). */
    level: "ordinal" | "nominal";
    alpha: Agreement | null;
    kappa: { raters: [string, string]; kappa: number; ci: Interval; n: number }[];
  };
  /** Pointwise: mean rating per contestant; pairwise: win rates and Bradley-Terry ratings. */
  contestants: ContestantSummary[];
  /** Every judge scorer on these outputs: calibrate()'s figures, or why it was left out. */
  judges: ({ judge: string; calibration: Calibration } | { judge: string; skipped: string })[];
  seed: number | string;
  resamples: number;
}

export interface ContestantSummary {
  model: string;
  strategy: string;
  /** Ratings (pointwise) or comparisons (pairwise). */
  n: number;
  mean?: number;
  wins?: number;
  losses?: number;
  ties?: number;
  /** (wins + ties / 2) / comparisons. */
  winRate?: number;
  /** Bradley-Terry rating (Elo-like, mean 1000) and its bootstrap interval. */
  rating?: number;
  ratingCi?: Interval | null;
}

/**
 * The status of queue `name`. Pairwise preferences are stored as shown; here they are mapped to
 * the stored sides (A = output_a) before any agreement or tally.
 */
export function queueStatus(db: Db, name: string, options: StatusOptions = {}): QueueStatus {
  const queue = queueByName(db, name);
  if (!queue) throw new UserError(`no review queue "${name}"`, { code: "E_QUEUE" });
  const seed = options.seed ?? 0;
  const resamples = options.resamples ?? 1000;
  const pairwise = queue.mode === "pairwise";
  const rubric = parseStoredRubric(JSON.stringify(queue.rubric));
  const ratings = [...currentRatings(db, queue.id)];
  const ratingValue = (r: RatingRecord): Rating => (pairwise ? asStored(r.preference!, r.swapped) : r.score!);

  const claims = new Map(claimCounts(db, queue.id, options.now ?? Date.now()).map((c) => [c.rater, c]));
  const byRater = groupBy(ratings, (r) => r.rater);
  const names = [...new Set([...claims.keys(), ...byRater.keys()])].sort();
  const raters: RaterStatus[] = names.map((rater) => {
    const own = byRater.get(rater) ?? [];
    const times = own.map((r) => r.msOnPage).filter((t): t is number => t !== null);
    const gold = own.filter((r) => r.gold);
    const correct = gold.filter((r) => (pairwise ? ratingValue(r) === r.goldPreference : r.score === r.goldScore)).length;
    return {
      rater,
      rated: own.length,
      skipped: claims.get(rater)?.skipped ?? 0,
      reserved: claims.get(rater)?.reserved ?? 0,
      medianMs: times.length ? median(times) : null,
      gold: gold.length ? { n: gold.length, correct, accuracy: correct / gold.length, ci: wilsonInterval(correct, gold.length) } : null,
    };
  });

  const rated = ratings.filter((r) => !r.gold);
  const completion = itemCompletion(db, queue.id);
  const ordinal = !pairwise && rubric.points.every((p) => p.label === String(p.score));
  const level = ordinal ? "ordinal" : "nominal";
  const items = [...groupBy(rated, (r) => String(r.itemId)).values()];
  const random = (what: string) => seededRandom(hashSeed(String(seed), what));
  const alpha = alphaWithInterval(items, names, ratingValue, level, resamples, random("alpha"));
  const labels: Rating[] = pairwise ? ["A", "B", "tie"] : rubric.points.map((p) => p.score);
  const kappa = pairKappas(items, names, ratingValue, labels, resamples, random("kappa"));

  return {
    queue,
    raters,
    items: { total: queue.items, ...completion },
    ratings: { done: rated.length, wanted: queue.items * queue.ratersPerItem },
    agreement: { level, alpha, kappa },
    contestants: pairwise ? pairwiseContestants(rated, ratingValue, seed, resamples) : pointwiseContestants(rated),
    judges: pairwise ? [] : judgeAgreement(db, queue, rated, { seed, resamples }),
    seed,
    resamples,
  };
}

/** A preference as shown, on the stored sides: shown with output_b first, A and B trade places. */
function asStored(preference: "A" | "B" | "tie", swapped: number | null): "A" | "B" | "tie" {
  if (!swapped || preference === "tie") return preference;
  return preference === "A" ? "B" : "A";
}

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  return groups;
}

/** Krippendorff's alpha over raters x items (missing where a rater did not rate), NaN where undefined. */
function alphaOf(
  items: RatingRecord[][],
  raters: string[],
  ratingValue: (r: RatingRecord) => Rating,
  level: "ordinal" | "nominal",
): number {
  const index = new Map(raters.map((r, i) => [r, i]));
  const data: (Rating | null)[][] = raters.map(() => new Array<Rating | null>(items.length).fill(null));
  items.forEach((item, u) => {
    for (const r of item) data[index.get(r.rater)!][u] = ratingValue(r);
  });
  try {
    return krippendorffAlpha(data, level);
  } catch (error) {
    if (error instanceof RangeError) return NaN; // one value only: alpha is undefined
    throw error;
  }
}

/** Alpha on the items and a percentile interval from resampling items (seeded). */
function alphaWithInterval(
  items: RatingRecord[][],
  raters: string[],
  ratingValue: (r: RatingRecord) => Rating,
  level: "ordinal" | "nominal",
  resamples: number,
  random: ReturnType<typeof seededRandom>,
): Agreement | null {
  const pairable = items.filter((i) => i.length >= 2);
  if (pairable.length === 0) return null;
  const value = alphaOf(pairable, raters, ratingValue, level);
  const replicates = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    const drawn = Array.from({ length: pairable.length }, () => pairable[random.int(pairable.length)]);
    replicates[b] = alphaOf(drawn, raters, ratingValue, level);
  }
  return { value, ci: percentileSummary(value, replicates).interval, n: pairable.length };
}

/** Cohen's kappa for every two raters over the items both rated (sklearn's cohen_kappa_score with the scale's labels), with an item bootstrap. */
function pairKappas(
  items: RatingRecord[][],
  raters: string[],
  ratingValue: (r: RatingRecord) => Rating,
  labels: Rating[],
  resamples: number,
  random: ReturnType<typeof seededRandom>,
): QueueStatus["agreement"]["kappa"] {
  const out: QueueStatus["agreement"]["kappa"] = [];
  for (let i = 0; i < raters.length; i++) {
    for (let j = i + 1; j < raters.length; j++) {
      const pairs: [Rating, Rating][] = [];
      for (const item of items) {
        const x = item.find((r) => r.rater === raters[i]);
        const y = item.find((r) => r.rater === raters[j]);
        if (x && y) pairs.push([ratingValue(x), ratingValue(y)]);
      }
      if (pairs.length === 0) continue;
      const kappaOf = (p: [Rating, Rating][]) =>
        cohenKappa(
          p.map((x) => x[0]),
          p.map((x) => x[1]),
          { labels },
        );
      const value = kappaOf(pairs);
      const replicates = new Float64Array(resamples);
      for (let b = 0; b < resamples; b++)
        replicates[b] = kappaOf(Array.from({ length: pairs.length }, () => pairs[random.int(pairs.length)]));
      out.push({ raters: [raters[i], raters[j]], kappa: value, ci: percentileSummary(value, replicates).interval, n: pairs.length });
    }
  }
  return out;
}

function pointwiseContestants(rated: RatingRecord[]): ContestantSummary[] {
  const groups = groupBy(rated, (r) => `${r.modelA}\u0000${r.strategyA}`);
  return [...groups.values()]
    .filter((g) => g[0].modelA !== null)
    .map((g) => ({ model: g[0].modelA!, strategy: g[0].strategyA!, n: g.length, mean: g.reduce((s, r) => s + r.score!, 0) / g.length }))
    .sort((x, y) => y.mean! - x.mean!);
}

function pairwiseContestants(
  rated: RatingRecord[],
  ratingValue: (r: RatingRecord) => Rating,
  seed: number | string,
  resamples: number,
): ContestantSummary[] {
  const key = (model: string | null, strategy: string | null) => `${model}\u0000${strategy}`;
  const tally = new Map<string, ContestantSummary>();
  const entry = (model: string, strategy: string) => {
    const k = key(model, strategy);
    let e = tally.get(k);
    if (!e) {
      e = { model, strategy, n: 0, wins: 0, losses: 0, ties: 0 };
      tally.set(k, e);
    }
    return e;
  };
  const games: PairwiseJudgment[] = [];
  for (const r of rated) {
    if (r.modelA === null || r.modelB === null) continue;
    const a = entry(r.modelA, r.strategyA!);
    const b = entry(r.modelB, r.strategyB!);
    const v = ratingValue(r);
    a.n++;
    b.n++;
    const [winner, loser] = v === "A" ? [a, b] : [b, a];
    if (v === "tie") {
      a.ties!++;
      b.ties!++;
    } else {
      winner.wins!++;
      loser.losses!++;
    }
    games.push({ a: key(r.modelA, r.strategyA), b: key(r.modelB, r.strategyB), winner: v === "A" ? "a" : v === "B" ? "b" : "tie" });
  }
  for (const e of tally.values()) e.winRate = (e.wins! + e.ties! / 2) / e.n;
  // The maximum-likelihood fit does not exist when a contestant won or lost everything: one virtual tie per pair then.
  for (const prior of [0, 1]) {
    if (games.length === 0) break;
    try {
      const boot = bradleyTerryBootstrap(games, { seed: hashSeed(String(seed), "bradley-terry"), iterations: resamples, prior });
      for (const [k, e] of tally) {
        e.rating = boot.fit.ratings[k];
        const ci = boot.intervals[k];
        e.ratingCi = ci && Number.isFinite(ci[0]) && Number.isFinite(ci[1]) ? ci : null;
      }
      break;
    } catch (error) {
      if ((error as { code?: string }).code !== "E_BRADLEY_TERRY_NO_MLE") throw error;
    }
  }
  return [...tally.values()].sort((x, y) => (y.rating ?? y.winRate!) - (x.rating ?? x.winRate!));
}

/** Each judge scorer's agreement with the raters, where the judge's scale points are the rubric's. */
function judgeAgreement(
  db: Db,
  queue: QueueInfo,
  rated: RatingRecord[],
  options: { seed: number | string; resamples: number },
): QueueStatus["judges"] {
  const points = queue.rubric.points.map((p) => p.score).sort((a, b) => a - b);
  const humans = groupBy(rated, (r) => String(r.trialA));
  const byJudge = groupBy(queueJudgeScores(db, queue.id), (s) => s.label);
  const out: QueueStatus["judges"] = [];
  for (const [judge, scores] of byJudge) {
    const scale = scaleOfStoredScorer(scores[0].args, false, judge);
    const judgePoints = scalePoints(scale) ?? [];
    if (judgePoints.length !== points.length || judgePoints.some((p, i) => p !== points[i])) {
      out.push({ judge, skipped: `its scale (${judgePoints.join(", ")}) is not the rubric's (${points.join(", ")})` });
      continue;
    }
    const units: CalibrationUnit[] = [];
    for (const s of scores) {
      const ratings = humans.get(String(s.trialId));
      if (!ratings) continue;
      const r0 = ratings[0];
      const onScale =
        s.value === null ? null : scale.kind === "scale" ? Number((scale.lo + s.value * (scale.hi - scale.lo)).toPrecision(12)) : s.value;
      units.push({
        task: r0.task!,
        item: r0.item!,
        model: r0.modelA!,
        strategy: r0.strategyA!,
        judge: onScale,
        humans: ratings.map((r) => ({ rater: r.rater, score: r.score! })),
      });
    }
    if (units.length === 0) {
      out.push({ judge, skipped: "no rated output has its score" });
      continue;
    }
    out.push({ judge, calibration: calibrate(units, { points, seed: options.seed, resamples: options.resamples }) });
  }
  return out;
}
