// A judge's agreement with human ratings, and the humans' agreement with each other (the
// ceiling a judge can reach): the figures of `assay calibrate`, from judge-vs-human ratings of any origin.
import { cohenKappa, kendallTau, krippendorffAlpha, percentAgreement, spearman } from "../../stats/agreement.ts";
import { percentileSummary, resampleIndices } from "../../stats/bootstrap.ts";
import {
  agreementFromTable,
  kappaFromTable,
  kendallTauBFromTable,
  ordinalAlphaFromTable,
  spearmanFromTable,
  type CrossTable,
} from "../../stats/cross-table.ts";
import type { Interval } from "../../stats/intervals.ts";
import { hashSeed, seededRandom } from "../../stats/random.ts";

/** One person's rating of one unit, on the judge's scale. */
export interface HumanRating {
  rater: string;
  score: number;
}

/** One judged output: (task, item, model, strategy), the judge's score and the human ratings of it. */
export interface CalibrationUnit {
  task: string;
  item: string;
  model: string;
  strategy: string;
  /** The judge's score on its own scale (a mean over samples may be fractional); null = unscored. */
  judge: number | null;
  /** One rating per rater. */
  humans: readonly HumanRating[];
}

/** Options of calibrate(). */
export interface CalibrateOptions {
  /**
   * The scale's points (a judge's `scale: [1, 5]` gives 1..5, `choices` their scores, a pass/fail
   * scorer 0 and 1): the categories of kappa, alpha and the confusion matrix, to which a
   * fractional judge score is rounded. Without them, the values are categories as they are.
   */
  points?: readonly number[];
  /** Bootstrap seed (default 0). */
  seed?: number | string;
  /** Bootstrap resamples (default 2000). */
  resamples?: number;
  /** Two-sided interval level (default 0.95). */
  confidence?: number;
}

/** Cohen's kappa with each disagreement weighting. */
export interface Kappas<T = number> {
  unweighted: T;
  linear: T;
  quadratic: T;
}

/** Agreement between two sides (judge and human, or two humans) over rating pairs. NaN (null in JSON) when undefined. */
export interface AgreementFigures {
  /** Rating pairs compared. */
  n: number;
  /** Share of pairs with the same category. */
  agreement: number;
  kappa: Kappas;
  /** Krippendorff's alpha, ordinal, over the pairs as two-coder units. */
  alpha: number;
  /** Spearman's rho and Kendall's tau-b, on the judge's score as it is (unrounded). */
  spearman: number;
  kendall: number;
  /** Seeded percentile bootstrap intervals, resampling items. */
  ci: { agreement: Interval; kappa: Kappas<Interval>; alpha: Interval; spearman: Interval; kendall: Interval };
  /** Counts: rows are the judge (or the rater first in code-point order), columns the human. */
  confusion: { labels: number[]; matrix: number[][] };
  /** Units and items (task, item) behind the pairs; items are what the bootstrap resamples. */
  units: number;
  items: number;
}

/** What calibrate() finds: the judge against the humans, and the humans against each other. */
export interface Calibration extends AgreementFigures {
  /** Units with human ratings that the judge left unscored: not in n. */
  unscored: number;
  /** The same figures between two humans' ratings of one unit; null when no unit has two. */
  human_ceiling: AgreementFigures | null;
  seed: number | string;
  resamples: number;
  confidence: number;
}

/** Rating pairs of one item: the judge's (or first rater's) score as is and as a category, the other side's. */
interface ItemPairs {
  key: string;
  units: number;
  raw: number[];
  cat: number[];
  other: number[];
}

/**
 * Agreement of a judge with human ratings. Every human rating of a unit the judge scored is one
 * pair (judge, human); categorical figures (agreement, kappa, alpha, confusion) use the judge's
 * score rounded to the nearest scale point (see nearestPoint), Spearman and Kendall use it as
 * is. The human ceiling pairs every two raters of one unit. Intervals are percentile bootstraps
 * over items (task, item): all units and ratings of an item move together; a resample where a
 * figure is undefined (one value only) is left out of that figure's interval.
 * @example calibrate([{ task: "s/t", item: "1", model: "m", strategy: "zero-shot", judge: 4, humans: [{ rater: "ana", score: 5 }] }], { points: [1, 2, 3, 4, 5] })
 */
export function calibrate(units: readonly CalibrationUnit[], options: CalibrateOptions = {}): Calibration {
  const points = options.points ? checkedPoints(options.points) : undefined;
  const seed = options.seed ?? 0;
  const resamples = options.resamples ?? 2000;
  const confidence = options.confidence ?? 0.95;
  const judged = new Map<string, ItemPairs>();
  const rated = new Map<string, ItemPairs>();
  let unscored = 0;
  for (const unit of units) {
    checkUnit(unit, points);
    if (unit.humans.length === 0) continue;
    const key = `${unit.task}\u0000${unit.item}`;
    if (unit.judge === null) unscored++;
    else {
      const pairs = itemPairs(judged, key);
      pairs.units++;
      const category = points ? nearestPoint(unit.judge, points) : unit.judge;
      for (const h of unit.humans) {
        pairs.raw.push(unit.judge);
        pairs.cat.push(category);
        pairs.other.push(h.score);
      }
    }
    if (unit.humans.length < 2) continue;
    const pairs = itemPairs(rated, key);
    pairs.units++;
    const ratings = [...unit.humans].sort((a, b) => compareCodePoints(a.rater, b.rater));
    for (let i = 0; i < ratings.length; i++) {
      for (let j = i + 1; j < ratings.length; j++) {
        pairs.raw.push(ratings[i].score);
        pairs.cat.push(ratings[i].score);
        pairs.other.push(ratings[j].score);
      }
    }
  }
  const bootstrap = { seed, resamples, confidence };
  const judge = agreementFigures(sortedItems(judged), points, { ...bootstrap, seed: hashSeed(String(seed), "judge") });
  const ceiling =
    rated.size > 0 ? agreementFigures(sortedItems(rated), points, { ...bootstrap, seed: hashSeed(String(seed), "humans") }) : null;
  return { ...judge, unscored, human_ceiling: ceiling, seed, resamples, confidence };
}

/**
 * The scale point nearest to `x`. Exactly halfway between two integer points it goes to the
 * even one (round half to even, as numpy.rint and Python's round: 2.5 -> 2, 3.5 -> 4), so ties
 * from a two-sample mean do not all lean one way; halfway between other points, to the higher.
 */
export function nearestPoint(x: number, points: readonly number[]): number {
  let best = points[0];
  for (const p of points) {
    const d = Math.abs(p - x);
    const bestDistance = Math.abs(best - x);
    if (d < bestDistance) best = p;
    else if (d === bestDistance && p !== best) {
      const lo = Math.min(p, best);
      const hi = Math.max(p, best);
      best = Number.isInteger(lo) && Number.isInteger(hi) ? (lo % 2 === 0 ? lo : hi) : hi;
    }
  }
  return best;
}

function itemPairs(map: Map<string, ItemPairs>, key: string): ItemPairs {
  let pairs = map.get(key);
  if (!pairs) {
    pairs = { key, units: 0, raw: [], cat: [], other: [] };
    map.set(key, pairs);
  }
  return pairs;
}

/** Items in a fixed order, so the same ratings in any order give the same intervals. */
function sortedItems(map: Map<string, ItemPairs>): ItemPairs[] {
  return [...map.values()].sort((a, b) => compareCodePoints(a.key, b.key));
}

/** Code-point order (not UTF-16 unit order, which differs above U+FFFF). */
export function compareCodePoints(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

function checkedPoints(points: readonly number[]): number[] {
  if (points.length === 0 || points.some((p) => !Number.isFinite(p)))
    throw new RangeError(`scale points must be finite numbers, got ${JSON.stringify(points)}`);
  return [...new Set(points)].sort((a, b) => a - b);
}

function checkUnit(unit: CalibrationUnit, points: number[] | undefined): void {
  const what = `unit (${unit.task}, ${unit.item}, ${unit.model}, ${unit.strategy})`;
  if (unit.judge !== null && !Number.isFinite(unit.judge))
    throw new RangeError(`${what}: the judge's score ${unit.judge} is not a finite number`);
  const raters = new Set<string>();
  for (const h of unit.humans) {
    if (!Number.isFinite(h.score) || (points && !points.includes(h.score)))
      throw new RangeError(
        `${what}: rater ${h.rater}'s score ${h.score} is not ${points ? `one of ${points.join(", ")}` : "a finite number"}`,
      );
    if (raters.has(h.rater)) throw new RangeError(`${what}: rater ${h.rater} rated it twice`);
    raters.add(h.rater);
  }
}

/**
 * The figures over the items' pairs, with bootstrap intervals from resampling the items. The
 * estimates come from agreement.ts on the pair lists; each resample's from its cross-tables
 * (stats/cross-table.ts, the same numbers in time independent of the number of pairs).
 */
function agreementFigures(
  items: ItemPairs[],
  points: number[] | undefined,
  options: { seed: number; resamples: number; confidence: number },
): AgreementFigures {
  const all = concat(items);
  const labels = points ?? [...new Set([...all.cat, ...all.other])].sort((a, b) => a - b);
  const estimate = pointFigures(all, labels);
  const tables = new ResampleTables(items, all.raw, labels);
  const replicates = FIGURES.map(() => new Float64Array(options.resamples));
  const random = seededRandom(options.seed);
  const idx = new Uint32Array(items.length);
  for (let r = 0; r < options.resamples; r++) {
    resampleIndices(random, items.length, idx);
    const values = tables.figures(idx);
    for (let f = 0; f < FIGURES.length; f++) replicates[f][r] = values[f];
  }
  const estimates = [
    estimate.agreement,
    estimate.kappa.unweighted,
    estimate.kappa.linear,
    estimate.kappa.quadratic,
    estimate.alpha,
    estimate.spearman,
    estimate.kendall,
  ];
  const ci = FIGURES.map((_, f) => percentileSummary(estimates[f], replicates[f], options.confidence).interval);
  return {
    n: all.other.length,
    agreement: estimate.agreement,
    kappa: estimate.kappa,
    alpha: estimate.alpha,
    spearman: estimate.spearman,
    kendall: estimate.kendall,
    ci: {
      agreement: ci[0],
      kappa: { unweighted: ci[1], linear: ci[2], quadratic: ci[3] },
      alpha: ci[4],
      spearman: ci[5],
      kendall: ci[6],
    },
    confusion: { labels, matrix: confusionMatrix(all, labels) },
    units: items.reduce((s, item) => s + item.units, 0),
    items: items.length,
  };
}

const FIGURES = ["agreement", "unweighted", "linear", "quadratic", "alpha", "spearman", "kendall"] as const;

type PointFigures = Pick<AgreementFigures, "agreement" | "kappa" | "alpha" | "spearman" | "kendall">;

function concat(items: ItemPairs[]): { raw: number[]; cat: number[]; other: number[] } {
  return { raw: items.flatMap((i) => i.raw), cat: items.flatMap((i) => i.cat), other: items.flatMap((i) => i.other) };
}

/**
 * The point figures on pairs: sklearn's cohen_kappa_score with the scale's points as `labels`
 * (so an unused point keeps its place in the weights), the krippendorff package's ordinal alpha
 * on the reliability data [categories, other], scipy's spearmanr and kendalltau (tau-b).
 */
function pointFigures(p: { raw: number[]; cat: number[]; other: number[] }, labels: number[]): PointFigures {
  if (p.other.length === 0) {
    return { agreement: NaN, kappa: { unweighted: NaN, linear: NaN, quadratic: NaN }, alpha: NaN, spearman: NaN, kendall: NaN };
  }
  let alpha = NaN;
  try {
    alpha = krippendorffAlpha([p.cat, p.other], "ordinal");
  } catch (error) {
    if (!(error instanceof RangeError)) throw error; // one value only: alpha is undefined
  }
  return {
    agreement: percentAgreement(p.cat, p.other),
    kappa: {
      unweighted: cohenKappa(p.cat, p.other, { labels }),
      linear: cohenKappa(p.cat, p.other, { labels, weights: "linear" }),
      quadratic: cohenKappa(p.cat, p.other, { labels, weights: "quadratic" }),
    },
    alpha,
    spearman: p.other.length < 2 ? NaN : spearman(p.raw, p.other).statistic,
    kendall: p.other.length < 2 ? NaN : kendallTau(p.raw, p.other).statistic,
  };
}

/**
 * Each item's pairs as cells of two cross-tables, refilled for every resample: categories x
 * other (agreement, kappa, alpha) and the raw score's distinct values x other (rank figures).
 */
class ResampleTables {
  private readonly cells: { categorical: Int32Array; rank: Int32Array }[];
  private readonly categorical: CrossTable;
  private readonly rank: CrossTable;

  constructor(items: ItemPairs[], raw: number[], labels: number[]) {
    const k = labels.length;
    const label = new Map(labels.map((l, i) => [l, i]));
    const rawValues = [...new Set(raw)].sort((a, b) => a - b);
    const rawIndex = new Map(rawValues.map((v, i) => [v, i]));
    this.cells = items.map((item) => ({
      categorical: Int32Array.from(item.other, (o, i) => label.get(item.cat[i])! * k + label.get(o)!),
      rank: Int32Array.from(item.other, (o, i) => rawIndex.get(item.raw[i])! * k + label.get(o)!),
    }));
    this.categorical = { rows: k, cols: k, counts: new Float64Array(k * k) };
    this.rank = { rows: rawValues.length, cols: k, counts: new Float64Array(rawValues.length * k) };
  }

  /** The figures of the resample that draws items `idx`, in FIGURES order. */
  figures(idx: Uint32Array): number[] {
    const categorical = this.categorical.counts as Float64Array;
    const rank = this.rank.counts as Float64Array;
    categorical.fill(0);
    rank.fill(0);
    let n = 0;
    for (const i of idx) {
      const cells = this.cells[i];
      for (let p = 0; p < cells.categorical.length; p++) {
        categorical[cells.categorical[p]]++;
        rank[cells.rank[p]]++;
      }
      n += cells.categorical.length;
    }
    if (n === 0) return FIGURES.map(() => NaN);
    return [
      agreementFromTable(this.categorical),
      kappaFromTable(this.categorical, "none"),
      kappaFromTable(this.categorical, "linear"),
      kappaFromTable(this.categorical, "quadratic"),
      ordinalAlphaFromTable(this.categorical),
      spearmanFromTable(this.rank),
      kendallTauBFromTable(this.rank),
    ];
  }
}

function confusionMatrix(p: { cat: number[]; other: number[] }, labels: number[]): number[][] {
  const index = new Map(labels.map((l, i) => [l, i]));
  const matrix = labels.map(() => new Array<number>(labels.length).fill(0));
  for (let i = 0; i < p.other.length; i++) matrix[index.get(p.cat[i])!][index.get(p.other[i])!]++;
  return matrix;
}
