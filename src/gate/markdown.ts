// The gate as a Markdown table fit for a pull-request comment or $GITHUB_STEP_SUMMARY.
import type { GateRow } from "./gate.ts";
import { explain, fmt, fmtMde, fmtP, gateOutcome } from "./text.ts";

const ICON: Record<GateRow["verdict"], string> = {
  regression: "❌ regression",
  improvement: "✅ improvement",
  "no-change": "✔️ no-change",
  underpowered: "⚠️ underpowered",
  inconclusive: "⚠️ inconclusive",
};

/**
 * A table cell: model outputs never reach here, but task, model and strategy names are user
 * text; `|` would split the cell, HTML would render in GitHub's Markdown, newlines end the row.
 */
export function mdCell(text: string): string {
  return text.replace(/[\\`*_[\]<>&|]/g, (c) => `\\${c}`).replace(/[\r\n]+/g, " ");
}

/** The Markdown report: heading with the outcome, the table, then a note per undecided or failing row. */
export function gateMarkdown(rows: GateRow[], options: { tolerance: number; alpha: number; power: number; strict: boolean }): string {
  const outcome = gateOutcome(rows, options.strict);
  const lines = [
    `### assay gate: ${outcome.failed ? "❌ fail" : "✅ pass"}`,
    "",
    `${mdCell(outcome.line)}. Tolerance ${options.tolerance}, alpha ${options.alpha}, power ${options.power}; B - A is candidate minus baseline.`,
    "",
    "| task | model | strategy | metric | baseline | candidate | B - A | CI | p | MDE | n | verdict |",
    "|---|---|---|---|--:|--:|--:|---|--:|--:|--:|---|",
    ...rows.map(
      (r) =>
        `| ${mdCell(r.task)} | ${mdCell(r.model)} | ${mdCell(r.strategy)} | ${mdCell(r.metric)}${r.lowerIsBetter ? " (lower is better)" : ""} | ${fmt(r.baseline)} | ${fmt(r.candidate)} | ${(r.diff >= 0 ? "+" : "") + fmt(r.diff)} | [${fmt(r.ci[0])}, ${fmt(r.ci[1])}] | ${mdCell(fmtP(r.p))} | ${fmtMde(r.mde)} | ${r.n} | ${ICON[r.verdict]} |`,
    ),
  ];
  const notes = rows.filter((r) => r.verdict !== "no-change");
  if (notes.length) {
    lines.push("");
    for (const r of notes)
      lines.push(`- ${mdCell(`${r.task} ${r.model} ${r.strategy} ${r.metric}`)}: ${mdCell(explain(r, options.tolerance))}`);
  }
  return `${lines.join("\n")}\n`;
}
