// Paired comparison of two runs (or two strategies/models of one run) on the items they share:
// McNemar for pass/fail, paired bootstrap (and paired t) for scores, paired bootstrap over
// summed statistics for corpus metrics. Differences are B - A.
import { UserError, ValidationError, didYouMean } from "../errors.ts";
import { scorerFromStored } from "./stored-scorer.ts";
import { mcnemar, pairedBootstrap, pairedBootstrapCorpus, pairedTTest, type PairedComparison } from "../stats/paired.ts";
import type { Db } from "../store/db.ts";
import { unscoredCount } from "../store/compare-queries.ts";
import { getRun } from "../store/runs.ts";
import { itemCorpusStats, itemScores, runCells, type RunCell } from "../store/summary.ts";

/** One side of a comparison: a run, optionally narrowed to one model and/or strategy. */
export interface CompareSide {
  run: number;
  /** Restrict this side to one model spec / strategy label (to compare within a run). */
  model?: string;
  strategy?: string;
}

/** One side of a compared cell: what it is, its value on the paired items, and its unscored count. */
export interface ComparisonSide {
  model: string;
  strategy: string;
  value: number;
  /** Scores of this side's cell that could not be computed (left out of the pairing). */
  unscored: number;
}

/** One compared (task, metric) cell: B - A on the items both sides scored. */
export interface ComparisonRow {
  task: string;
  metric: string;
  a: ComparisonSide;
  b: ComparisonSide;
  /** Items scored on both sides. */
  n: number;
  difference: number;
  ci: [number, number];
  pValue: number;
  test: PairedComparison["test"];
  /**
   * Smallest difference this many items detect with 80% power at alpha 0.05; Infinity when none
   * can be with so few items, NaN when it cannot be estimated (see stats/paired.ts).
   */
  minimumDetectableEffect: number;
  /** For scores: the paired t test's p-value beside the bootstrap's. */
  tTestPValue?: number;
}

/**
 * Compare side B against side A cell by cell. Cells pair on task and metric, and on
 * strategy and model unless a side fixes them (or each side has a single model).
 */
export function compareRuns(
  db: Db,
  a: CompareSide,
  b: CompareSide,
  options: { seed?: number; iterations?: number; confidence?: number; cells?: (cell: RunCell) => boolean } = {},
): ComparisonRow[] {
  for (const side of [a, b]) if (!getRun(db, side.run)) throw new UserError(`no run ${side.run}`, { code: "E_COMPARE" });
  const allA = runCells(db, a.run);
  const allB = a.run === b.run ? allA : runCells(db, b.run);
  const problems = [...unknownNames("A", a, allA), ...unknownNames("B", b, allB)];
  if (problems.length === 1) throw new UserError(problems[0], { code: "E_COMPARE" });
  if (problems.length > 1) throw new ValidationError(problems);
  const narrow = (side: CompareSide, cells: RunCell[]) =>
    cells.filter(
      (c) =>
        (side.model === undefined || c.model === side.model) &&
        (side.strategy === undefined || c.strategy === side.strategy) &&
        (options.cells === undefined || options.cells(c)),
    );
  const cellsA = narrow(a, allA);
  const cellsB = narrow(b, allB);
  const single = (cells: RunCell[]) => new Set(cells.map((c) => c.model)).size === 1;
  const ignoreModel = a.model !== undefined || b.model !== undefined || (single(cellsA) && single(cellsB));
  const ignoreStrategy = a.strategy !== undefined || b.strategy !== undefined;
  const key = (c: RunCell) => [c.task, c.scorer, ignoreStrategy ? "" : c.strategy, ignoreModel ? "" : c.model].join("\u0000");
  const byKey = new Map(cellsB.map((c) => [key(c), c]));
  const rows: ComparisonRow[] = [];
  for (const ca of cellsA) {
    const cb = byKey.get(key(ca));
    if (!cb) continue;
    const row = compareCell(db, ca, cb, options);
    if (row) rows.push(row);
  }
  if (rows.length === 0) throw new UserError("the two sides share no task, metric and items to compare", { code: "E_COMPARE" });
  return rows;
}

/** A side's --x-model / --x-strategy that its run does not have, named with the ones it has. */
function unknownNames(label: string, side: CompareSide, cells: RunCell[]): string[] {
  const problems: string[] = [];
  const check = (what: "model" | "strategy", value: string | undefined) => {
    if (value === undefined) return;
    const known = [...new Set(cells.map((c) => c[what]))];
    if (known.includes(value)) return;
    const flag = `--${label.toLowerCase()}-${what}`;
    problems.push(
      `${flag}: run ${side.run} has no ${what} "${value}"${didYouMean(value, known)} (known: ${known.length ? known.join(", ") : "none"})`,
    );
  };
  check("model", side.model);
  check("strategy", side.strategy);
  return problems;
}

function compareCell(
  db: Db,
  ca: RunCell,
  cb: RunCell,
  options: { seed?: number; iterations?: number; confidence?: number },
): ComparisonRow | undefined {
  const boot = { seed: options.seed ?? 0, iterations: options.iterations ?? 1000, confidence: options.confidence ?? 0.95 };
  const side = (c: RunCell, value: number): ComparisonSide => ({
    model: c.model,
    strategy: c.strategy,
    value,
    unscored: unscoredCount(db, c.modelId, c.strategyId, c.scorerId),
  });
  if (ca.corpus && cb.corpus) {
    const sa = itemCorpusStats(db, ca.modelId, ca.strategyId, ca.scorerId);
    const sb = itemCorpusStats(db, cb.modelId, cb.strategyId, cb.scorerId);
    const keys = [...sa.keys()].filter((k) => sb.has(k));
    if (keys.length < 2) return undefined;
    const aggregate = scorerFromStored(ca.args).aggregate!;
    const statsA = keys.map((k) => sa.get(k)!);
    const statsB = keys.map((k) => sb.get(k)!);
    const r = pairedBootstrapCorpus(statsA, statsB, aggregate, boot);
    const total = (rows: number[][]) => aggregate(rows.reduce((s, v) => s.map((x, i) => x + v[i])));
    return { task: ca.task, metric: ca.scorer, a: side(ca, total(statsA)), b: side(cb, total(statsB)), ...fields(r) };
  }
  const va = new Map(itemScores(db, ca.modelId, ca.strategyId, ca.scorerId).map((r) => [r.itemKey, r.value]));
  const vb = new Map(itemScores(db, cb.modelId, cb.strategyId, cb.scorerId).map((r) => [r.itemKey, r.value]));
  const keys = [...va.keys()].filter((k) => vb.has(k));
  if (keys.length < 2) return undefined;
  const xa = keys.map((k) => va.get(k)!);
  const xb = keys.map((k) => vb.get(k)!);
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const passFail = xa.every((x) => x === 0 || x === 1) && xb.every((x) => x === 0 || x === 1);
  if (passFail) {
    const r = mcnemar(
      xa.map((x) => x === 1),
      xb.map((x) => x === 1),
      { confidence: boot.confidence },
    );
    return { task: ca.task, metric: ca.scorer, a: side(ca, mean(xa)), b: side(cb, mean(xb)), ...fields(r) };
  }
  const r = pairedBootstrap(xa, xb, boot);
  return {
    task: ca.task,
    metric: ca.scorer,
    a: side(ca, mean(xa)),
    b: side(cb, mean(xb)),
    ...fields(r),
    tTestPValue: pairedTTest(xa, xb, { confidence: boot.confidence }).pValue,
  };
}

function fields(r: PairedComparison) {
  return {
    n: r.n,
    difference: r.difference,
    ci: r.interval,
    pValue: r.pValue,
    test: r.test,
    minimumDetectableEffect: r.minimumDetectableEffect,
  };
}
