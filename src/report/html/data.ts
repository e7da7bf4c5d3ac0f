// The HTML report's data: one or more stored runs gathered through the existing report
// functions (showRun for every number) into one compact JSON-able object.
import { UserError } from "../../errors.ts";
import type { Db } from "../../store/db.ts";
import { runProvenanceRows } from "../../store/report-queries.ts";
import { listRuns } from "../../store/runs.ts";
import { assayVersion } from "../../version.ts";
import { humanTables } from "../human-summary.ts";
import { judgeTables } from "../judge-tables.ts";
import { showRun } from "../show-run.ts";
import type { SummaryResult } from "../summary.ts";
import { meanWinRates, type StrategyEffect, strategyEffects, tradeoffs, type WinRate } from "./analyses.ts";
import { trialTable, type TrialTable } from "./trial-table.ts";

/** What produced one run's numbers. */
export interface RunProvenance {
  id: number;
  createdAt: string;
  finishedAt: string | null;
  status: string;
  assayVersion: string;
  seed: number;
  suites: { suite: string; version: string; sha256: string }[];
  models: string[];
  strategies: { name: string; kind: string }[];
  trials: number;
  errors: number;
  /** Set when the run's numbers are partial (still running, dead, interrupted). */
  warning?: string;
}

/** One leaderboard row: a (run, model, strategy)'s value of one metric on one task. */
export interface BoardRow {
  run: number;
  model: string;
  strategy: string;
  value: number | null;
  ci: [number, number] | null;
  interval: SummaryResult["interval"];
  n: number;
  unscored: number;
  errors: number;
  noAnswer: number;
  /** `best`: the best value; `tied`: its interval overlaps the best's; "" otherwise. */
  mark: "best" | "tied" | "";
}

/** The rows of one task and metric, best first. */
export interface MetricBoard {
  task: string;
  metric: string;
  /** False for metrics where a lower value is better (perplexity). */
  higherIsBetter: boolean;
  rows: BoardRow[];
}

export interface ReportData {
  /** The assay that wrote the report. */
  assayVersion: string;
  runs: RunProvenance[];
  boards: MetricBoard[];
  /** Each strategy against zero-shot, paired (per run, model, task, metric). */
  effects: StrategyEffect[];
  /** Mean win rate across tasks, best first. */
  winRates: WinRate[];
  /** Per task: quality against latency, tokens and cost, with the Pareto front. */
  tradeoffs: ReturnType<typeof tradeoffs>;
  /** Per run: the judge and human-rating tables as `assay show` prints them (empty when there are none). */
  judgeText: { run: number; text: string }[];
  trials: TrialTable;
}

/** Metrics whose lower values are better; every other metric is a score where higher is better. */
const lowerIsBetter = (metric: string) => metric.startsWith("perplexity");

/**
 * Gather runs `runIds` (default: the newest run) of `db` for the HTML report: provenance,
 * per task and metric the leaderboard rows with their 95% intervals (from `showRun`), and
 * every trial for the drill-down.
 * @example const data = reportData(openStore(path, { readonly: true }), [3, 4])
 */
export function reportData(db: Db, runIds: number[] = []): ReportData {
  const ids = runIds.length
    ? [...new Set(runIds)]
    : listRuns(db)
        .slice(0, 1)
        .map((r) => r.id);
  if (!ids.length) throw new UserError("no runs in the database: run `assay run` first", { code: "E_REPORT" });
  const runs: RunProvenance[] = [];
  const boards = new Map<string, MetricBoard>();
  const effects: StrategyEffect[] = [];
  const judgeText: ReportData["judgeText"] = [];
  for (const id of ids) {
    const report = showRun(db, id);
    const { run, progress } = report;
    runs.push({
      id: run.id,
      createdAt: run.created_at,
      finishedAt: run.finished_at,
      status: run.status,
      assayVersion: run.assay_version,
      seed: run.seed,
      ...runProvenanceRows(db, run.id),
      trials: progress.trials,
      errors: progress.errors,
      warning: report.warning,
    });
    const provenance = runs[runs.length - 1];
    effects.push(...strategyEffects(db, run.id, run.seed, provenance.models, provenance.strategies));
    const text = [judgeTables(report.results, report.judges, { width: 160 }), humanTables(report.human, { width: 160 })]
      .filter(Boolean)
      .join("\n\n");
    if (text) judgeText.push({ run: run.id, text });
    for (const r of report.results) {
      const key = `${r.task}\u0000${r.metric}`;
      let board = boards.get(key);
      if (!board) {
        board = { task: r.task, metric: r.metric, higherIsBetter: !lowerIsBetter(r.metric), rows: [] };
        boards.set(key, board);
      }
      board.rows.push({
        run: run.id,
        model: r.model,
        strategy: r.strategy,
        value: r.value,
        ci: r.ci,
        interval: r.interval,
        n: r.n,
        unscored: r.unscored,
        errors: r.errors,
        noAnswer: r.noAnswer,
        mark: "",
      });
    }
  }
  for (const board of boards.values()) markBest(board);
  const list = [...boards.values()];
  return {
    assayVersion,
    runs,
    boards: list,
    effects,
    winRates: meanWinRates(list),
    tradeoffs: tradeoffs(db, ids, list),
    judgeText,
    trials: trialTable(db, ids),
  };
}

/**
 * Sort a board best first and mark its best row and the rows not distinguishable from it.
 * The rule is the simple one: a row whose 95% interval overlaps the best row's interval is
 * `tied` (overlap is conservative: two rows can differ significantly and still overlap). A
 * best row without an interval ties only rows of exactly its value.
 */
export function markBest(board: MetricBoard): void {
  const sign = board.higherIsBetter ? 1 : -1;
  board.rows.sort((a, b) => (a.value === null ? 1 : b.value === null ? -1 : sign * (b.value - a.value)));
  const best = board.rows[0];
  if (!best || best.value === null) return;
  for (const row of board.rows) {
    if (row.value === null) continue;
    if (row.value === best.value && row === best) row.mark = "best";
    else if (row.value === best.value) row.mark = "tied";
    else if (best.ci && row.ci && row.ci[0] <= best.ci[1] && row.ci[1] >= best.ci[0]) row.mark = "tied";
  }
}
