// Paired comparison of two runs (or two strategies/models of one run) on the items they share:
// McNemar for pass/fail, paired bootstrap (and paired t) for scores, paired bootstrap over
// summed statistics for corpus metrics. Differences are B - A.
import { UserError } from "../errors.ts";
import { scorerFactories } from "../score/metrics/index.ts";
import { mcnemar, pairedBootstrap, pairedBootstrapCorpus, pairedTTest, type PairedComparison } from "../stats/paired.ts";
import type { Db } from "../store/db.ts";
import { getRun } from "../store/runs.ts";
import { itemCorpusStats, itemScores, runCells, type RunCell } from "../store/summary.ts";

export interface CompareSide {
  run: number;
  /** Restrict this side to one model spec / strategy label (to compare within a run). */
  model?: string;
  strategy?: string;
}

export interface ComparisonRow {
  task: string;
  metric: string;
  a: { model: string; strategy: string; value: number };
  b: { model: string; strategy: string; value: number };
  /** Items scored on both sides. */
  n: number;
  difference: number;
  ci: [number, number];
  pValue: number;
  test: PairedComparison["test"];
  /** Smallest difference this many items detect with 80% power at alpha 0.05. */
  minimumDetectableEffect: number;
  /** For scores: the paired t test's p-value beside the bootstrap's. */
  tTestPValue?: number;
}

/**
 * Compare side B against side A cell by cell. Cells pair on task and metric, and on
 * strategy and model unless a side fixes them (or each side has a single model).
 */
export function compareRuns(db: Db, a: CompareSide, b: CompareSide, options: { seed?: number; iterations?: number; confidence?: number } = {}): ComparisonRow[] {
  for (const side of [a, b]) if (!getRun(db, side.run)) throw new UserError(`no run ${side.run}`, { code: "E_COMPARE" });
  const cellsOf = (side: CompareSide) =>
    runCells(db, side.run).filter((c) => (side.model === undefined || c.model === side.model) && (side.strategy === undefined || c.strategy === side.strategy));
  const cellsA = cellsOf(a);
  const cellsB = cellsOf(b);
  const single = (cells: RunCell[]) => new Set(cells.map((c) => c.model)).size === 1;
  const ignoreModel = (a.model !== undefined || b.model !== undefined) || (single(cellsA) && single(cellsB));
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

function compareCell(db: Db, ca: RunCell, cb: RunCell, options: { seed?: number; iterations?: number; confidence?: number }): ComparisonRow | undefined {
  const boot = { seed: options.seed ?? 0, iterations: options.iterations ?? 1000, confidence: options.confidence ?? 0.95 };
  const side = (c: RunCell, value: number) => ({ model: c.model, strategy: c.strategy, value });
  if (ca.corpus && cb.corpus) {
    const sa = itemCorpusStats(db, ca.modelId, ca.strategyId, ca.scorerId);
    const sb = itemCorpusStats(db, cb.modelId, cb.strategyId, cb.scorerId);
    const keys = [...sa.keys()].filter((k) => sb.has(k));
    if (keys.length < 2) return undefined;
    const spec = JSON.parse(ca.args) as { name: string; args: Record<string, unknown> };
    const aggregate = scorerFactories[spec.name](spec.args).aggregate!;
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
    const r = mcnemar(xa.map((x) => x === 1), xb.map((x) => x === 1), { confidence: boot.confidence });
    return { task: ca.task, metric: ca.scorer, a: side(ca, mean(xa)), b: side(cb, mean(xb)), ...fields(r) };
  }
  const r = pairedBootstrap(xa, xb, boot);
  return { task: ca.task, metric: ca.scorer, a: side(ca, mean(xa)), b: side(cb, mean(xb)), ...fields(r), tTestPValue: pairedTTest(xa, xb, { confidence: boot.confidence }).pValue };
}

function fields(r: PairedComparison) {
  return { n: r.n, difference: r.difference, ci: r.interval, pValue: r.pValue, test: r.test, minimumDetectableEffect: r.minimumDetectableEffect };
}
