// Agreement between raters, for autorater-vs-human calibration: percent agreement, Cohen's kappa,
// Krippendorff's alpha, and the rank correlations Spearman's rho and Kendall's tau-b.
import { erfc, studentTCdf } from "./intervals.ts";

/** A rating: a category label or a number. */
export type Rating = string | number;
/** A rating that may be missing (null, undefined or NaN), for Krippendorff's alpha. */
export type MaybeRating = Rating | null | undefined;

function checkSameLength(a: readonly unknown[], b: readonly unknown[]): void {
  if (a.length !== b.length) throw new RangeError(`agreement needs equally long rating lists, got ${a.length} and ${b.length}`);
}

/** Ascending order as numpy.unique sorts: numbers numerically, strings by code point, numbers before strings. */
function compareRatings(x: Rating, y: Rating): number {
  if (typeof x === "number" && typeof y === "number") return x - y;
  if (typeof x === "number") return -1;
  if (typeof y === "number") return 1;
  const a = Array.from(x);
  const b = Array.from(y);
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = a[i].codePointAt(0)! - b[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** Fraction of items on which the two raters gave the same rating. */
export function percentAgreement(a: readonly Rating[], b: readonly Rating[]): number {
  checkSameLength(a, b);
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}

/** Options for Cohen's kappa. */
export interface CohenKappaOptions {
  /** Disagreement weights on label positions: none (default), |i - j|, or (i - j)^2. */
  weights?: "none" | "linear" | "quadratic";
  /** The ordered label set; default: the sorted labels seen in either list (sklearn's unique_labels). */
  labels?: readonly Rating[];
}

/**
 * Cohen's kappa, as sklearn.metrics.cohen_kappa_score: 1 - sum(W * O) / sum(W * E), with O the
 * confusion matrix, E the outer product of its marginals over n, and W the weight on label positions.
 */
export function cohenKappa(a: readonly Rating[], b: readonly Rating[], options: CohenKappaOptions = {}): number {
  checkSameLength(a, b);
  const labels = options.labels ? [...options.labels] : [...new Set([...a, ...b])].sort(compareRatings);
  const index = new Map(labels.map((l, i) => [l, i]));
  const k = labels.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < a.length; i++) {
    const r = index.get(a[i]);
    const c = index.get(b[i]);
    if (r !== undefined && c !== undefined) confusion[r][c]++; // sklearn drops pairs outside `labels`
  }
  const rowSums = confusion.map((row) => row.reduce((s, x) => s + x, 0));
  const colSums = labels.map((_, j) => confusion.reduce((s, row) => s + row[j], 0));
  const total = rowSums.reduce((s, x) => s + x, 0);
  const weight = (i: number, j: number): number =>
    options.weights === "linear" ? Math.abs(i - j) : options.weights === "quadratic" ? (i - j) ** 2 : i === j ? 0 : 1;
  let observed = 0;
  let expected = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const w = weight(i, j);
      observed += w * confusion[i][j];
      expected += (w * colSums[i] * rowSums[j]) / total;
    }
  }
  return 1 - observed / expected;
}

/** Krippendorff's level of measurement, choosing the difference function. */
export type KrippendorffLevel = "nominal" | "ordinal" | "interval" | "ratio";

function isMissing(v: MaybeRating): v is null | undefined {
  return v === null || v === undefined || (typeof v === "number" && Number.isNaN(v));
}

/**
 * Krippendorff's alpha from reliability data `raters × units` (missing ratings allowed), as the
 * `krippendorff` Python package computes it (Krippendorff 2011, "Computing Krippendorff's
 * Alpha-Reliability"): alpha = 1 - sum(o * d) / sum(e * d) over the coincidence matrix o, the expected
 * coincidences e = (n_c n_k - [c = k] n_c) / (n - 1), and the level's squared difference d. The value
 * domain is the sorted set of ratings present; ordinal differences use the pairable counts n_g
 * between the two ranks. Units with fewer than two ratings are not pairable and drop out.
 */
export function krippendorffAlpha(reliabilityData: readonly (readonly MaybeRating[])[], level: KrippendorffLevel = "interval"): number {
  const domain = [...new Set(reliabilityData.flat().filter((v): v is Rating => !isMissing(v)))].sort(compareRatings);
  if (level !== "nominal" && domain.some((v) => typeof v !== "number")) {
    throw new RangeError(`Krippendorff's alpha at the ${level} level needs numeric ratings`);
  }
  if (domain.length <= 1) throw new RangeError("Krippendorff's alpha needs more than one distinct value");
  const index = new Map(domain.map((v, i) => [v, i]));
  const V = domain.length;
  const units = Math.max(0, ...reliabilityData.map((row) => row.length));
  const o = Array.from({ length: V }, () => new Array<number>(V).fill(0));
  let anyPairable = false;
  for (let u = 0; u < units; u++) {
    const counts = new Map<number, number>();
    let m = 0;
    for (const row of reliabilityData) {
      const v = row[u];
      if (isMissing(v)) continue;
      const i = index.get(v)!;
      counts.set(i, (counts.get(i) ?? 0) + 1);
      m++;
    }
    if (m < 2) continue;
    anyPairable = true;
    for (const [c, nc] of counts) {
      for (const [k, nk] of counts) o[c][k] += (nc * nk - (c === k ? nc : 0)) / (m - 1);
    }
  }
  if (!anyPairable) throw new RangeError("Krippendorff's alpha needs a unit rated by at least two raters");
  const nv = o.map((row) => row.reduce((s, x) => s + x, 0));
  const n = nv.reduce((s, x) => s + x, 0);
  const values = domain as number[];
  const distance = (c: number, k: number): number => {
    switch (level) {
      case "nominal":
        return c === k ? 0 : 1;
      case "interval":
        return (values[c] - values[k]) ** 2;
      case "ratio": {
        const sum = values[c] + values[k];
        return sum === 0 ? 0 : ((values[c] - values[k]) / sum) ** 2;
      }
      case "ordinal": {
        const lo = Math.min(c, k);
        const hi = Math.max(c, k);
        let between = 0;
        for (let g = lo; g <= hi; g++) between += nv[g];
        return (between - (nv[c] + nv[k]) / 2) ** 2;
      }
    }
  };
  let observed = 0;
  let expected = 0;
  for (let c = 0; c < V; c++) {
    for (let k = 0; k < V; k++) {
      const d = distance(c, k);
      observed += o[c][k] * d;
      expected += ((nv[c] * nv[k] - (c === k ? nv[c] : 0)) / (n - 1)) * d;
    }
  }
  return 1 - observed / expected;
}

/** A correlation coefficient with its two-sided p-value. */
export interface Correlation {
  statistic: number;
  pValue: number;
}

/** Ranks from 1, ties getting their average rank (scipy.stats.rankdata method="average"). */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((_, i) => i).sort((i, j) => values[i] - values[j]);
  const ranks = new Array<number>(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && values[order[end + 1]] === values[order[start]]) end++;
    const rank = (start + end) / 2 + 1;
    for (let t = start; t <= end; t++) ranks[order[t]] = rank;
    start = end + 1;
  }
  return ranks;
}

function pearson(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/**
 * Spearman's rho with ties (Pearson correlation of average ranks), as scipy.stats.spearmanr; the
 * p-value uses t = rho * sqrt((n - 2) / ((1 + rho)(1 - rho))) on n - 2 degrees of freedom, as scipy 1.10.
 */
export function spearman(x: readonly number[], y: readonly number[]): Correlation {
  checkSameLength(x, y);
  const rho = pearson(averageRanks(x), averageRanks(y));
  const df = x.length - 2;
  const t = rho * Math.sqrt(Math.max(0, df / ((rho + 1) * (1 - rho))));
  const pValue = Number.isNaN(rho) ? NaN : !Number.isFinite(t) ? 0 : 2 * studentTCdf(-Math.abs(t), df);
  return { statistic: rho, pValue };
}

/** Number of permutations of n items with each inversion count 0..c (Mahonian numbers), as doubles. */
function inversionCounts(n: number, c: number): number[] {
  let row = [1];
  for (let j = 2; j <= n; j++) {
    // count_j(k) = sum_{i=0}^{min(k, j-1)} count_{j-1}(k - i), via a running window sum.
    const next = new Array<number>(c + 1).fill(0);
    let window = 0;
    for (let k = 0; k <= c; k++) {
      window += row[k] ?? 0;
      if (k - j >= 0) window -= row[k - j] ?? 0;
      next[k] = window;
    }
    row = next;
  }
  return row;
}

/**
 * Kendall's tau-b, as scipy.stats.kendalltau (variant "b", method "auto"): the exact null distribution
 * when there are no ties and n <= 33 (or at most one discordant or concordant pair), otherwise the normal
 * approximation with scipy's tie-corrected variance. O(n^2) pair counting.
 */
export function kendallTau(x: readonly number[], y: readonly number[]): Correlation {
  checkSameLength(x, y);
  const n = x.length;
  let con = 0;
  let dis = 0;
  let xtie = 0;
  let ytie = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = Math.sign(x[j] - x[i]);
      const dy = Math.sign(y[j] - y[i]);
      if (dx === 0) xtie++;
      if (dy === 0) ytie++;
      if (dx !== 0 && dy !== 0) {
        if (dx === dy) con++;
        else dis++;
      }
    }
  }
  const tot = (n * (n - 1)) / 2;
  if (xtie === tot || ytie === tot) return { statistic: NaN, pValue: NaN };
  const tau = Math.max(-1, Math.min(1, (con - dis) / Math.sqrt(tot - xtie) / Math.sqrt(tot - ytie)));
  if (xtie === 0 && ytie === 0 && (n <= 33 || Math.min(dis, tot - dis) <= 1)) {
    return { statistic: tau, pValue: kendallExactP(n, Math.min(dis, tot - dis)) };
  }
  const tieStats = (v: readonly number[]): [number, number] => {
    const counts = new Map<number, number>();
    for (const a of v) counts.set(a, (counts.get(a) ?? 0) + 1);
    let t0 = 0;
    let t1 = 0;
    for (const c of counts.values()) {
      if (c < 2) continue;
      t0 += c * (c - 1) * (c - 2);
      t1 += c * (c - 1) * (2 * c + 5);
    }
    return [t0, t1];
  };
  const [x0, x1] = tieStats(x);
  const [y0, y1] = tieStats(y);
  const m = n * (n - 1);
  const variance = (m * (2 * n + 5) - x1 - y1) / 18 + (2 * xtie * ytie) / m + (x0 * y0) / (9 * m * (n - 2));
  const z = (con - dis) / Math.sqrt(variance);
  return { statistic: tau, pValue: erfc(Math.abs(z) / Math.SQRT2) };
}

/** Two-sided exact p-value for Kendall's tau with c = min(discordant, concordant), as scipy's _kendall_p_exact. */
function kendallExactP(n: number, c: number): number {
  if (n <= 2) return 1;
  let factorial = 1;
  for (let i = 2; i <= n; i++) factorial *= i;
  if (c === 0) return n < 171 ? 2 / factorial : 0;
  if (c === 1) return n < 172 ? (2 * n) / factorial : 0;
  if (4 * c === n * (n - 1)) return 1;
  const counts = inversionCounts(n, c);
  let sum = 0;
  for (const v of counts) sum += v;
  return Math.min(1, (2 * sum) / factorial);
}
