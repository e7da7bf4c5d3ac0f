// Renders summary rows as an aligned text table for the terminal.
import type { SummaryResult } from "./summary.ts";

/** Strip control characters so untrusted text (model names, task ids) cannot move the cursor. */
export function terminalSafe(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

function fmt(x: number | null | undefined): string {
  return x === null || x === undefined || Number.isNaN(x) ? "-" : x.toFixed(3);
}

/** The summary as a table: task, model, strategy, metric, value, 95% CI, n, no-answer, errors. */
export function summaryTable(results: SummaryResult[]): string {
  const header = ["task", "model", "strategy", "metric", "value", "95% CI", "n", "no-ans", "errors"];
  const rows = results.map((r) => [
    r.task,
    r.model,
    r.strategy,
    r.metric + (r.corpus ? " (corpus)" : ""),
    fmt(r.value),
    r.ci ? `[${fmt(r.ci[0])}, ${fmt(r.ci[1])}]${r.interval === "wilson" ? "" : r.interval === "t" ? " t" : r.interval === "bootstrap" ? " boot" : r.interval === "cluster" ? " cluster" : ""}` : "-",
    String(r.n),
    String(r.noAnswer),
    String(r.errors),
  ].map(terminalSafe));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const numeric = new Set([4, 6, 7, 8]);
  const line = (cells: string[]) => cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}
