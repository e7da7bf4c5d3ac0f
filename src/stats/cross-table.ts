// Agreement between two raters from their cross-table (how many times each pair of values
// occurs): the numbers agreement.ts computes from the rating lists, in time that depends on the
// number of distinct values, not of ratings. For bootstraps that recompute them thousands of times.

/**
 * A cross-table: `counts[i * cols + j]` pairs have the first rater's i-th value and the second's
 * j-th value (values ascending on both sides).
 */
export interface CrossTable {
  rows: number;
  cols: number;
  counts: ArrayLike<number>;
}

/** Share of pairs on the diagonal of a square table over one label set (percentAgreement). */
export function agreementFromTable(t: CrossTable): number {
  let same = 0;
  let total = 0;
  for (let i = 0; i < t.rows; i++) {
    for (let j = 0; j < t.cols; j++) {
      total += t.counts[i * t.cols + j];
      if (i === j) same += t.counts[i * t.cols + j];
    }
  }
  return same / total;
}

/**
 * Cohen's kappa from a square table over the label set (rows: first rater), as
 * sklearn.metrics.cohen_kappa_score and agreement.ts's cohenKappa with `labels`: weights on the
 * labels' positions (none, |i - j|, (i - j)^2). NaN when the expected disagreement is 0.
 */
export function kappaFromTable(t: CrossTable, weights: "none" | "linear" | "quadratic" = "none"): number {
  const k = t.rows;
  const rowSums = new Float64Array(k);
  const colSums = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      rowSums[i] += t.counts[i * k + j];
      colSums[j] += t.counts[i * k + j];
    }
  }
  let total = 0;
  for (const s of rowSums) total += s;
  let observed = 0;
  let expected = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const w = weights === "linear" ? Math.abs(i - j) : weights === "quadratic" ? (i - j) ** 2 : i === j ? 0 : 1;
      observed += w * t.counts[i * k + j];
      expected += (w * colSums[i] * rowSums[j]) / total;
    }
  }
  return 1 - observed / expected;
}

/**
 * Krippendorff's ordinal alpha of two raters whose pairs are the units (each pair a unit with two
 * values), from the square table over the ordered values: the coincidence matrix is the table plus
 * its transpose, then as agreement.ts's krippendorffAlpha (the `krippendorff` package). NaN when
 * fewer than two distinct values occur.
 */
export function ordinalAlphaFromTable(t: CrossTable): number {
  const k = t.rows;
  const o = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) o[i * k + j] = t.counts[i * k + j] + t.counts[j * k + i];
  const nv = new Float64Array(k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) nv[i] += o[i * k + j];
  let n = 0;
  let present = 0;
  for (const x of nv) {
    n += x;
    if (x > 0) present++;
  }
  if (present < 2) return NaN;
  let observed = 0;
  let expected = 0;
  for (let c = 0; c < k; c++) {
    if (nv[c] === 0) continue;
    let between = 0; // sum of nv[g] for g from c to e, grown as e moves right
    for (let e = c; e < k; e++) {
      between += nv[e];
      if (nv[e] === 0 || e === c) continue;
      const d = (between - (nv[c] + nv[e]) / 2) ** 2;
      // The distance is symmetric: count (c, e) and (e, c) together.
      observed += (o[c * k + e] + o[e * k + c]) * d;
      expected += ((2 * nv[c] * nv[e]) / (n - 1)) * d;
    }
  }
  return 1 - observed / expected;
}

/** Average ranks (from 1) of a table's row or column values, from their totals. */
function marginRanks(totals: Float64Array): Float64Array {
  const ranks = new Float64Array(totals.length);
  let before = 0;
  for (let i = 0; i < totals.length; i++) {
    ranks[i] = before + (totals[i] + 1) / 2;
    before += totals[i];
  }
  return ranks;
}

function margins(t: CrossTable): { rowTotals: Float64Array; colTotals: Float64Array; n: number } {
  const rowTotals = new Float64Array(t.rows);
  const colTotals = new Float64Array(t.cols);
  let n = 0;
  for (let i = 0; i < t.rows; i++) {
    for (let j = 0; j < t.cols; j++) {
      const c = t.counts[i * t.cols + j];
      rowTotals[i] += c;
      colTotals[j] += c;
      n += c;
    }
  }
  return { rowTotals, colTotals, n };
}

/** Spearman's rho from a table (statistic only): Pearson's r of the average ranks, as scipy.stats.spearmanr. */
export function spearmanFromTable(t: CrossTable): number {
  const { rowTotals, colTotals, n } = margins(t);
  const rx = marginRanks(rowTotals);
  const ry = marginRanks(colTotals);
  const mean = (n + 1) / 2;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < t.rows; i++) sxx += rowTotals[i] * (rx[i] - mean) ** 2;
  for (let j = 0; j < t.cols; j++) syy += colTotals[j] * (ry[j] - mean) ** 2;
  for (let i = 0; i < t.rows; i++) {
    for (let j = 0; j < t.cols; j++) sxy += t.counts[i * t.cols + j] * (rx[i] - mean) * (ry[j] - mean);
  }
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/**
 * Kendall's tau-b from a table (statistic only), as scipy.stats.kendalltau: concordant minus
 * discordant pairs from suffix sums, over sqrt((tot - xtie)(tot - ytie)). NaN when a side is constant.
 */
export function kendallTauBFromTable(t: CrossTable): number {
  const { rows, cols, counts } = t;
  // below[i][j]: pairs in rows >= i and columns >= j (one extra row and column of zeros).
  const below = new Float64Array((rows + 1) * (cols + 1));
  for (let i = rows - 1; i >= 0; i--) {
    let run = 0;
    for (let j = cols - 1; j >= 0; j--) {
      run += counts[i * cols + j];
      below[i * (cols + 1) + j] = below[(i + 1) * (cols + 1) + j] + run;
    }
  }
  let s = 0;
  for (let i = 0; i < rows; i++) {
    const next = (i + 1) * (cols + 1);
    for (let j = 0; j < cols; j++) {
      const c = counts[i * cols + j];
      if (c === 0) continue;
      const concordant = below[next + j + 1];
      const discordant = below[next] - below[next + j];
      s += c * (concordant - discordant);
    }
  }
  const { rowTotals, colTotals, n } = margins(t);
  const tot = (n * (n - 1)) / 2;
  let xtie = 0;
  let ytie = 0;
  for (const r of rowTotals) xtie += (r * (r - 1)) / 2;
  for (const c of colTotals) ytie += (c * (c - 1)) / 2;
  if (xtie === tot || ytie === tot) return NaN;
  return Math.max(-1, Math.min(1, s / Math.sqrt(tot - xtie) / Math.sqrt(tot - ytie)));
}
