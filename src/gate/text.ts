// The gate's rows as a terminal table, as JSON, and the one-line outcome.
import { columns, terminalSafe } from "../report/table.ts";
import type { GateRow } from "./gate.ts";
import { failsGate, type Verdict } from "./verdict.ts";

/** A number as the gate prints it; "-" when there is none. */
export function fmt(x: number): string {
  return Number.isFinite(x) ? x.toFixed(3) : "-";
}

/** The MDE as printed: "inf" when no change is detectable with so few items. */
export function fmtMde(x: number): string {
  return x === Infinity ? "inf" : fmt(x);
}

/** The p-value as printed. */
export function fmtP(p: number): string {
  return Number.isNaN(p) ? "-" : p < 0.001 ? "<0.001" : p.toFixed(3);
}

/** Why a row is what it is, in one sentence (JUnit messages, the notes under the table). */
export function explain(r: GateRow, tolerance: number): string {
  const worse = r.lowerIsBetter ? "higher (worse)" : "lower (worse)";
  const ci = `[${fmt(r.ci[0])}, ${fmt(r.ci[1])}]`;
  switch (r.verdict) {
    case "regression":
      return `regression: B - A = ${fmt(r.diff)}, interval ${ci} lies wholly beyond a change of ${tolerance} in the ${worse} direction (p ${fmtP(r.p)}, n ${r.n})`;
    case "improvement":
      return `improvement: B - A = ${fmt(r.diff)}, interval ${ci} lies wholly beyond a gain of ${tolerance}`;
    case "no-change":
      return `no-change: interval ${ci} rules out a worsening larger than ${tolerance}`;
    case "underpowered":
      return `underpowered: interval ${ci} does not rule out a worsening larger than ${tolerance}, and with ${r.n} items the smallest detectable change is ${fmtMde(r.mde)} > ${tolerance}; ${
        r.itemsNeeded ? `about ${r.itemsNeeded} paired items would detect ${tolerance}` : "no item count up to 1e9 would detect it"
      }`;
    case "inconclusive":
      return `inconclusive: interval ${ci} does not rule out a worsening larger than ${tolerance} although ${r.n} items could detect it (MDE ${fmtMde(r.mde)}): the change lies near the tolerance`;
  }
}

/** The rows as the JSON `--json` prints: `{"rows": [...]}` with exactly the documented keys (Infinity and NaN become null). */
export function gateJson(rows: GateRow[]): string {
  const num = (x: number) => (Number.isFinite(x) ? x : null);
  return JSON.stringify(
    {
      rows: rows.map((r) => ({
        task: r.task,
        model: r.model,
        strategy: r.strategy,
        metric: r.metric,
        baseline: num(r.baseline),
        candidate: num(r.candidate),
        diff: num(r.diff),
        ci: [num(r.ci[0]), num(r.ci[1])],
        p: num(r.p),
        mde: num(r.mde),
        n: r.n,
        verdict: r.verdict,
      })),
    },
    null,
    2,
  );
}

/** Counts per verdict and whether the gate fails, e.g. `gate: FAIL: 1 regression, 3 no-change`. */
export function gateOutcome(rows: GateRow[], strict: boolean): { failed: boolean; line: string } {
  const order: Verdict[] = ["regression", "underpowered", "inconclusive", "improvement", "no-change"];
  const counts = order.map((v) => [v, rows.filter((r) => r.verdict === v).length] as const).filter(([, k]) => k > 0);
  const failed = rows.some((r) => failsGate(r.verdict, strict));
  return {
    failed,
    line: `gate: ${failed ? "FAIL" : "pass"}: ${counts.map(([v, k]) => `${k} ${v}`).join(", ")}${strict ? " (--strict)" : ""}`,
  };
}

/** The terminal table, a note per row that is not no-change, and the outcome line. */
export function gateText(
  rows: GateRow[],
  options: { tolerance: number; alpha: number; power: number; strict: boolean; width?: number },
): string {
  const header = ["task", "model", "strategy", "metric", "A", "B", "B - A", `${fmtConf(options.alpha)} CI`, "p", "MDE", "n", "verdict"];
  const body = rows.map((r) => [
    r.task,
    r.model,
    r.strategy,
    r.metric + (r.lowerIsBetter ? " (lower is better)" : ""),
    fmt(r.baseline),
    fmt(r.candidate),
    (r.diff >= 0 ? "+" : "") + fmt(r.diff),
    `[${fmt(r.ci[0])}, ${fmt(r.ci[1])}]`,
    fmtP(r.p),
    fmtMde(r.mde),
    String(r.n),
    r.verdict,
  ]);
  const lines = [
    `tolerance ${options.tolerance}, alpha ${options.alpha}, power ${options.power}`,
    columns(header, body, { rightAligned: [4, 5, 6, 8, 9, 10], width: options.width }),
  ];
  for (const r of rows)
    if (r.verdict !== "no-change")
      lines.push(terminalSafe(`${r.task} ${r.model} ${r.strategy} ${r.metric}: ${explain(r, options.tolerance)}`));
  lines.push(gateOutcome(rows, options.strict).line);
  return lines.join("\n");
}

function fmtConf(alpha: number): string {
  return `${Number(((1 - alpha) * 100).toFixed(2))}%`;
}
