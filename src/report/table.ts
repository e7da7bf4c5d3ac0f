// Renders summary rows as an aligned text table for the terminal.
import type { SummaryResult } from "./summary.ts";
import { terminalText } from "./terminal-text.ts";

/**
 * Escape control characters (newlines too: a cell is one line) and bidirectional overrides,
 * so untrusted text (model names, task ids) cannot move the cursor or reorder what is shown.
 */
export function terminalSafe(text: string): string {
  return terminalText(text).replace(/[\n\t]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

function fmt(x: number | null | undefined): string {
  return x === null || x === undefined || Number.isNaN(x) ? "-" : x.toFixed(3);
}

/** How the CI column names a non-Wilson interval. */
const intervalMark: Record<SummaryResult["interval"], string> = { wilson: "", t: " t", bootstrap: " boot", cluster: " cluster", none: "" };

/**
 * The summary as a table: task, model, strategy, metric, value, 95% CI, n, no-answer,
 * unscored (scores a scorer could not compute, left out of n), errors.
 */
export function summaryTable(results: SummaryResult[], options: { width?: number } = {}): string {
  const header = ["task", "model", "strategy", "metric", "value", "95% CI", "n", "no-ans", "unscored", "errors"];
  const rows = results.map((r) => [
    r.task,
    r.model,
    r.strategy,
    r.metric + (r.corpus ? " (corpus)" : ""),
    fmt(r.value),
    r.ci ? `[${fmt(r.ci[0])}, ${fmt(r.ci[1])}]${intervalMark[r.interval]}` : "-",
    String(r.n),
    String(r.noAnswer),
    String(r.unscored),
    String(r.errors),
  ]);
  return columns(header, rows, { rightAligned: [4, 6, 7, 8, 9], rule: true, width: options.width });
}

/** Options of columns. */
export interface ColumnsOptions {
  /** Column indices padded on the left (numbers). */
  rightAligned?: number[];
  /** A dashed line under the header. */
  rule?: boolean;
  /** The terminal's width: a table wider than it is printed as one block of `header  value` lines per row. */
  width?: number;
}

/**
 * Aligned text columns separated by two spaces; cells are made terminal-safe. On a terminal
 * narrower than the table (a phone, a split pane), each row becomes a block of labelled
 * lines instead of lines the terminal would wrap into an unreadable mix of columns.
 */
export function columns(header: string[], rows: string[][], options: ColumnsOptions = {}): string {
  const safe = rows.map((r) => r.map(terminalSafe));
  const widths = header.map((h, i) => Math.max(h.length, ...safe.map((r) => r[i].length)));
  const tableWidth = widths.reduce((sum, w) => sum + w, 0) + 2 * (widths.length - 1);
  if (options.width !== undefined && tableWidth > options.width) {
    const label = Math.max(...header.map((h) => h.length));
    return safe.map((r) => r.map((c, i) => `${header[i].padEnd(label)}  ${c}`.trimEnd()).join("\n")).join("\n\n");
  }
  const right = new Set(options.rightAligned ?? []);
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  const rule = options.rule ? [widths.map((w) => "-".repeat(w)).join("  ")] : [];
  return [line(header), ...rule, ...safe.map(line)].join("\n");
}
