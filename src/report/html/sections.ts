// The report's sections beyond the leaderboards, as HTML with every string escaped: the
// overall ranking, strategy effects, quality against latency and cost, judges.
import type { StrategyEffect, WinRate } from "./analyses.ts";
import { effectBar, scatter } from "./charts.ts";
import type { ReportData } from "./data.ts";
import { escapeHtml } from "./escape.ts";

/** A number as the report shows it: integers as they are, others to `digits` places, none as a dash. */
export const num = (x: number | null, digits = 3) => (x === null ? "–" : Number.isInteger(x) ? String(x) : x.toFixed(digits));
const signed = (x: number) => (x > 0 ? "+" : "") + x.toFixed(3);

/** A sortable table (the page's script sorts `table.board`) from headings and cells: [sort value, HTML]. */
export function sortableTable(
  caption: string,
  head: [string, "num" | "text"][],
  rows: [string | number | null, string][][],
  rowClass?: (i: number) => string,
): string {
  const th = head.map(([name, kind]) => `<th data-kind="${kind}" tabindex="0" aria-sort="none">${escapeHtml(name)}</th>`).join("");
  const body = rows
    .map(
      (cells, i) =>
        `<tr${rowClass?.(i) ? ` class="${rowClass(i)}"` : ""}>${cells
          .map(
            ([sort, html], c) => `<td${head[c][1] === "num" ? ' class="num"' : ""} data-v="${escapeHtml(String(sort ?? ""))}">${html}</td>`,
          )
          .join("")}</tr>`,
    )
    .join("");
  return `<table class="board">${caption ? `<caption>${caption}</caption>` : ""}<thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`;
}

const who = (multiRun: boolean, r: { run: number; model: string; strategy: string }) =>
  `${multiRun ? `run ${r.run} · ` : ""}${r.model} · ${r.strategy}`;

/** The overall ranking by mean win rate. */
export function rankingSection(winRates: WinRate[], multiRun: boolean): string {
  if (!winRates.length) return '<p class="muted">Fewer than two rows per task: no ranking.</p>';
  return `<p class="note">Mean win rate (as HELM): on each task's first metric, the share of the other rows a row beats (a tie counts half), averaged over the tasks where it has a value. Bradley-Terry ratings from pairwise judges appear under Judges when the run has them.</p>${sortableTable(
    "",
    [
      ["rank", "num"],
      ["model · strategy", "text"],
      ["mean win rate", "num"],
      ["tasks", "num"],
    ],
    winRates.map((w, i) => [
      [i + 1, String(i + 1)],
      [who(multiRun, w), escapeHtml(who(multiRun, w))],
      [w.winRate, num(w.winRate)],
      [w.tasks, String(w.tasks)],
    ]),
  )}`;
}

/** Each strategy against zero-shot, with its paired interval drawn around zero. */
export function effectsSection(effects: StrategyEffect[], multiRun: boolean): string {
  if (!effects.length) return '<p class="muted">No strategy to set against a zero-shot one in these runs.</p>';
  const m = Math.max(0.05, ...effects.flatMap((e) => [Math.abs(e.ci[0]), Math.abs(e.ci[1])]));
  const tests: Record<string, string> = {
    "mcnemar-exact": "McNemar exact",
    "mcnemar-chi2": "McNemar χ²",
    "paired-bootstrap": "paired bootstrap",
    "paired-permutation": "paired permutation",
    "paired-t": "paired t",
  };
  return `<p class="note">Each strategy minus the zero-shot one of the same run, model and task, on the items both scored, as <code>assay compare</code> computes it: McNemar (Tango's score interval) for pass/fail, paired bootstrap for scores and corpus metrics. The band is the 95% interval; green: above zero, red: below zero, grey: zero inside.</p>${sortableTable(
    "",
    [
      ...(multiRun ? ([["run", "num"]] as [string, "num"][]) : []),
      ["task", "text"],
      ["metric", "text"],
      ["model", "text"],
      ["strategy", "text"],
      ["difference", "num"],
      ["95% interval", "num"],
      ["p", "num"],
      ["n", "num"],
      ["test", "text"],
    ],
    effects.map((e) => [
      ...(multiRun ? ([[e.run, String(e.run)]] as [number, string][]) : []),
      [e.task, escapeHtml(e.task)],
      [e.metric, escapeHtml(e.metric)],
      [e.model, escapeHtml(e.model)],
      [e.strategy, `${escapeHtml(e.strategy)} <span class="muted">vs ${escapeHtml(e.baseline)}</span>`],
      [e.difference, signed(e.difference)],
      [e.ci[0], `${effectBar(e.difference, e.ci, [-m, m])}<span class="ci">[${signed(e.ci[0])}, ${signed(e.ci[1])}]</span>`],
      [e.pValue, e.pValue < 0.001 ? "<0.001" : e.pValue.toFixed(3)],
      [e.n, String(e.n)],
      [e.test, escapeHtml(tests[e.test] ?? e.test)],
    ]),
  )}`;
}

/** Per task, quality against median latency with the Pareto front, and the points listed with tokens and cost. */
export function tradeoffSection(tradeoffs: ReportData["tradeoffs"], multiRun: boolean): string {
  const blocks = tradeoffs
    .filter((t) => t.points.some((p) => p.latencyMs !== null))
    .map((t) => {
      const drawn = t.points.filter((p) => p.latencyMs !== null);
      const chart = scatter(drawn.map((p) => ({ x: p.latencyMs!, y: p.quality, front: p.pareto })));
      const table = sortableTable(
        "",
        [
          ["#", "num"],
          ["model · strategy", "text"],
          [t.metric, "num"],
          ["median latency (ms)", "num"],
          ["tokens / trial", "num"],
          ["cost (USD)", "num"],
          ["Pareto", "text"],
        ],
        drawn.map((p, i) => [
          [i + 1, String(i + 1)],
          [who(multiRun, p), escapeHtml(who(multiRun, p))],
          [p.quality, num(p.quality)],
          [p.latencyMs, num(p.latencyMs, 1)],
          [p.tokens, num(p.tokens, 1)],
          [p.costUsd, p.costUsd === null ? "not priced" : p.costUsd.toFixed(4)],
          [p.pareto ? "front" : "", p.pareto ? '<span class="mark best">front</span>' : ""],
        ]),
      );
      return `<div class="tradeoff"><h3>${escapeHtml(t.task)} <span class="muted">${escapeHtml(t.metric)} (${t.higherIsBetter ? "up" : "down"} is better) against median latency (left is faster)</span></h3><div class="side">${chart}${table}</div></div>`;
    });
  return blocks.length ? blocks.join("\n") : '<p class="muted">No latencies recorded.</p>';
}

/** The judge and human-rating tables of each run, as `assay show` prints them. */
export function judgesSection(judgeText: ReportData["judgeText"]): string {
  if (!judgeText.length) return '<p class="muted">These runs have no judges, pairwise judgments or human ratings.</p>';
  return judgeText.map((j) => `<h3>Run ${j.run}</h3><pre class="tables">${escapeHtml(j.text)}</pre>`).join("\n");
}
