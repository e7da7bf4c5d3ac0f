// `assay gate`: pair the baseline's and the candidate's cells, check that they measure the same
// thing, and give each (task, model, strategy, metric) its paired statistics and verdict.
import { didYouMean, ProblemList, UserError, ValidationError } from "../errors.ts";
import { scorerFromStored } from "../report/stored-scorer.ts";
import { pairedCorpus, pairedScores, type PairedRow } from "./paired-row.ts";
import type { GateCell, GateSide } from "./side.ts";
import { decideVerdict, itemsNeeded, type Verdict } from "./verdict.ts";

/** Metrics whose smaller values are better (perplexity, bits per byte): their verdicts flip sign. */
export const LOWER_IS_BETTER = new Set(["perplexity"]);

/** Options of the gate. */
export interface GateOptions {
  /** The largest change that does not matter, in the metric's own units (0.02 = two points of a 0-1 score). */
  tolerance: number;
  /** 1 - alpha is the intervals' confidence. */
  alpha: number;
  /** The power at which the minimum detectable effect is computed. */
  power: number;
  /** Pair cells of this model / strategy of each side, whatever the other side's is called. */
  baselineModel?: string;
  candidateModel?: string;
  baselineStrategy?: string;
  candidateStrategy?: string;
  seed?: number;
  /** Bootstrap resamples (default 1000). */
  iterations?: number;
}

/** One gate row: B - A on the items both sides scored, and the verdict. */
export interface GateRow {
  task: string;
  /** The model (or `baseline / candidate` when the row pairs two different ones). */
  model: string;
  strategy: string;
  metric: string;
  baseline: number;
  candidate: number;
  diff: number;
  ci: [number, number];
  p: number;
  /** Minimum detectable effect at the asked alpha and power; Infinity when no change is detectable with so few items. */
  mde: number;
  n: number;
  verdict: Verdict;
  test: PairedRow["test"];
  lowerIsBetter: boolean;
  /** Underpowered rows: the items the MDE formula says a check of the tolerance needs (null: more than 1e9). */
  itemsNeeded?: number | null;
}

/** Compare the candidate against the baseline cell by cell; user errors are collected and thrown together. */
export function runGate(a: GateSide, b: GateSide, options: GateOptions): GateRow[] {
  const problems = new ProblemList();
  unknownName(problems, "--baseline-model", a, "model", options.baselineModel);
  unknownName(problems, "--baseline-strategy", a, "strategy", options.baselineStrategy);
  unknownName(problems, "--candidate-model", b, "model", options.candidateModel);
  unknownName(problems, "--candidate-strategy", b, "strategy", options.candidateStrategy);
  problems.throwIfAny();
  const narrow = (cells: GateCell[], model?: string, strategy?: string) =>
    cells.filter((c) => (model === undefined || c.model === model) && (strategy === undefined || c.strategy === strategy));
  const cellsA = narrow(a.cells, options.baselineModel, options.baselineStrategy);
  const cellsB = narrow(b.cells, options.candidateModel, options.candidateStrategy);
  const single = (cells: GateCell[]) => new Set(cells.map((c) => c.model)).size === 1;
  const ignoreModel = options.baselineModel !== undefined || options.candidateModel !== undefined || (single(cellsA) && single(cellsB));
  const ignoreStrategy = options.baselineStrategy !== undefined || options.candidateStrategy !== undefined;
  const group = (c: GateCell) => [c.task, ignoreStrategy ? "" : c.strategy, ignoreModel ? "" : c.model].join("\u0000");
  const groupsB = new Map<string, Map<string, GateCell>>();
  for (const c of cellsB) {
    const g = groupsB.get(group(c)) ?? new Map<string, GateCell>();
    g.set(c.metric, c);
    groupsB.set(group(c), g);
  }
  const pairs: [GateCell, GateCell][] = [];
  const pairedGroups = new Set<string>();
  const differing = new Set<string>();
  for (const ca of cellsA) {
    const g = groupsB.get(group(ca));
    if (!g) continue;
    pairedGroups.add(group(ca));
    const where = `${ca.task} (${pick(ca.model, [...g.values()][0].model)}, ${pick(ca.strategy, [...g.values()][0].strategy)})`;
    const ha = a.tasks.get(ca.task);
    const hb = b.tasks.get(ca.task);
    if (ha !== hb && !differing.has(ca.task)) {
      differing.add(ca.task);
      problems.add(
        `task ${ca.task}: its definition differs between ${a.label} (sha256 ${short(ha)}) and ${b.label} (sha256 ${short(hb)}); gate runs of the same suite version`,
      );
    }
    const cb = g.get(ca.metric);
    if (!cb) {
      problems.add(`${where}: metric ${ca.metric} is in ${a.label} but not in ${b.label}`);
      continue;
    }
    pairs.push([ca, cb]);
  }
  for (const cb of cellsB) {
    if (!pairedGroups.has(group(cb))) continue;
    if (!cellsA.some((ca) => group(ca) === group(cb) && ca.metric === cb.metric))
      problems.add(`${cb.task} (${cb.model}, ${cb.strategy}): metric ${cb.metric} is in ${b.label} but not in ${a.label}`);
  }
  if (pairs.length === 0 && !problems.any)
    throw new UserError(`${a.label} and ${b.label} share no task, model, strategy and metric to compare`, { code: "E_GATE" });
  const checkedData = new Set<string>();
  const rows: GateRow[] = [];
  const stats = { alpha: options.alpha, power: options.power, seed: options.seed ?? 0, iterations: options.iterations ?? 1000 };
  for (const [ca, cb] of pairs) {
    const name = `${ca.task} ${pick(ca.model, cb.model)} ${pick(ca.strategy, cb.strategy)} ${ca.metric}`;
    const corpus = ca.corpus && cb.corpus;
    const keys = corpus ? [...ca.stats.keys()].filter((k) => cb.stats.has(k)) : [...ca.values.keys()].filter((k) => cb.values.has(k));
    if (ca.corpus !== cb.corpus) {
      problems.add(`${name}: a corpus metric on one side only; gate runs of the same suite version`);
      continue;
    }
    if (!checkedData.has(ca.task)) {
      checkedData.add(ca.task);
      const changed = changedItems(a, b, ca.task, keys);
      if (changed.length)
        problems.add(
          `task ${ca.task}: ${changed.length} shared item${changed.length === 1 ? "" : "s"} (${changed
            .slice(0, 3)
            .map((k) => JSON.stringify(k))
            .join(
              ", ",
            )}${changed.length > 3 ? ", ..." : ""}) differ in their data between ${a.label} and ${b.label}; gate runs of the same dataset`,
        );
    }
    if (keys.length < 2) {
      problems.add(`${name}: ${keys.length === 0 ? "no" : "only 1"} scored item shared by ${a.label} and ${b.label} (at least 2 needed)`);
      continue;
    }
    const r = corpus
      ? pairedCorpus(
          keys.map((k) => ca.stats.get(k)!),
          keys.map((k) => cb.stats.get(k)!),
          scorerFromStored(ca.scorer).aggregate!,
          stats,
        )
      : pairedScores(
          keys.map((k) => ca.values.get(k)!),
          keys.map((k) => cb.values.get(k)!),
          stats,
        );
    const lowerIsBetter = LOWER_IS_BETTER.has(ca.metric);
    const verdict = decideVerdict(r, { tolerance: options.tolerance, lowerIsBetter });
    rows.push({
      task: ca.task,
      model: pick(ca.model, cb.model),
      strategy: pick(ca.strategy, cb.strategy),
      metric: ca.metric,
      baseline: r.baseline,
      candidate: r.candidate,
      diff: r.diff,
      ci: r.ci,
      p: r.p,
      mde: r.mde,
      n: r.n,
      verdict,
      test: r.test,
      lowerIsBetter,
      ...(verdict === "underpowered" ? { itemsNeeded: itemsNeeded(r.mdeAt, options.tolerance) ?? null } : {}),
    });
  }
  const list = problems.list();
  if (list.length === 1) throw new UserError(list[0], { code: "E_GATE" });
  if (list.length > 1) throw new ValidationError(list);
  return rows;
}

/** Shared item keys whose dataset rows hash differently on the two sides (items without a hash are not compared). */
function changedItems(a: GateSide, b: GateSide, task: string, keys: string[]): string[] {
  const ha = a.items.get(task);
  const hb = b.items.get(task);
  if (!ha || !hb) return [];
  return keys.filter((k) => ha.has(k) && hb.has(k) && ha.get(k) !== hb.get(k));
}

function pick(a: string, b: string): string {
  return a === b ? a : `${a} / ${b}`;
}

function short(hash: string | undefined): string {
  return hash === undefined ? "unknown" : hash.slice(0, 12);
}

function unknownName(problems: ProblemList, flag: string, side: GateSide, what: "model" | "strategy", value: string | undefined): void {
  if (value === undefined) return;
  const known = [...new Set(side.cells.map((c) => c[what]))];
  if (known.includes(value)) return;
  problems.add(
    `${flag}: ${side.label} has no ${what} "${value}"${didYouMean(value, known)} (known: ${known.length ? known.join(", ") : "none"})`,
  );
}
