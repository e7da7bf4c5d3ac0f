// The report's one HTML file: styles, script and data inline, a CSP that allows only those
// (by hash) and data: images, so it opens from file:// offline and makes no request at all.
import { createHash } from "node:crypto";
import { domainOf, intervalBar } from "./charts.ts";
import type { MetricBoard, ReportData, RunProvenance } from "./data.ts";
import { embedJson, escapeHtml } from "./escape.ts";
import { reportScript } from "./script.ts";
import { effectsSection, judgesSection, num, rankingSection, tradeoffSection } from "./sections.ts";
import { reportStyles } from "./styles.ts";

const hash = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

/** The whole report page for `data`. The same data gives the same bytes. */
export function reportPage(data: ReportData): string {
  const csp = `default-src 'none'; script-src ${hash(reportScript)}; style-src ${hash(reportStyles)}; img-src data:; base-uri 'none'; form-action 'none'`;
  const multiRun = data.runs.length > 1;
  const title = `assay report: run${data.runs.length > 1 ? "s" : ""} ${data.runs.map((r) => r.id).join(", ")}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${reportStyles}</style>
</head>
<body>
<header><h1>${escapeHtml(title)}</h1><p class="muted">written by assay ${escapeHtml(data.assayVersion)}; one file, no network requests</p></header>
<nav><a href="#provenance">Provenance</a> · <a href="#leaderboards">Leaderboards</a> · <a href="#ranking">Ranking</a> · <a href="#effects">Strategy effects</a> · <a href="#tradeoffs">Quality vs latency</a> · <a href="#judges">Judges</a> · <a href="#items">Items</a></nav>
<section id="provenance"><h2>Provenance</h2>${data.runs.map(provenance).join("\n")}</section>
<section id="leaderboards"><h2>Leaderboards</h2>
<p class="note">Each metric's value with its 95% interval (the bar: the band is the interval, the dot the value; Wilson for pass/fail rates, Student-t for means, bootstrap over items for corpus metrics, clustered where the task names clusters).
<span class="mark best">best</span> marks the best row, <span class="mark tied">≈</span> the rows whose 95% interval overlaps the best row's: not distinguishable from it by this simple, conservative rule (no paired test is made here; <code>assay compare</code> makes one). Click a column heading to sort.</p>
${boardsByTask(data.boards)}
</section>
<section id="ranking"><h2>Overall ranking</h2>${rankingSection(data.winRates, multiRun)}</section>
<section id="effects"><h2>Strategy effects</h2>${effectsSection(data.effects, multiRun)}</section>
<section id="tradeoffs"><h2>Quality against latency and cost</h2>${tradeoffSection(data.tradeoffs, multiRun)}</section>
<section id="judges"><h2>Judges and human ratings</h2>${judgesSection(data.judgeText)}</section>
<section id="items"><h2>Items</h2><div id="drill" class="muted">loading the items…</div></section>
<script type="application/json" id="assay-data">${embedJson({ trials: data.trials })}</script>
<script>${reportScript}</script>
</body>
</html>
`;
}

function provenance(run: RunProvenance): string {
  const dl = (pairs: [string, string][]) => pairs.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join("");
  const warning = run.warning ? `<p class="warning">${escapeHtml(run.warning)}</p>` : "";
  return `<div class="run"><h3>Run ${run.id}</h3>${warning}<dl>${dl([
    ["status", run.status],
    ["started", run.createdAt],
    ["finished", run.finishedAt ?? "–"],
    ["suites", run.suites.map((s) => `${s.suite} ${s.version} (sha256 ${s.sha256.slice(0, 12)})`).join(", ") || "–"],
    ["models", run.models.join(", ")],
    ["strategies", run.strategies.map((s) => (s.name === s.kind ? s.name : `${s.name} (${s.kind})`)).join(", ")],
    ["seed", String(run.seed)],
    ["trials", `${run.trials} (${run.errors} errors)`],
    ["assay", run.assayVersion],
  ])}</dl></div>`;
}

function boardsByTask(boards: MetricBoard[]): string {
  const tasks = new Map<string, MetricBoard[]>();
  for (const b of boards) tasks.set(b.task, [...(tasks.get(b.task) ?? []), b]);
  return [...tasks].map(([task, list]) => `<div class="task"><h3>${escapeHtml(task)}</h3>${list.map(board).join("\n")}</div>`).join("\n");
}

function board(b: MetricBoard): string {
  const multiRun = new Set(b.rows.map((r) => r.run)).size > 1;
  const domain = domainOf(
    b.rows.map((r) => r.value),
    b.rows.map((r) => r.ci),
  );
  const head = [
    ...(multiRun ? [["run", "num"]] : []),
    ["model", "text"],
    ["strategy", "text"],
    [b.metric, "num"],
    ["95% interval", "num"],
    ["n", "num"],
    ["unscored", "num"],
    ["errors", "num"],
  ];
  const cell = (sort: string | number | null, html: string, cls = "") =>
    `<td${cls ? ` class="${cls}"` : ""} data-v="${escapeHtml(String(sort ?? ""))}">${html}</td>`;
  const rows = b.rows.map((r) => {
    const mark = r.mark === "best" ? '<span class="mark best">best</span>' : r.mark === "tied" ? '<span class="mark tied">≈</span>' : "";
    const ci = r.ci ? `[${num(r.ci[0])}, ${num(r.ci[1])}]` : "–";
    return `<tr class="${r.mark}">${[
      ...(multiRun ? [cell(r.run, String(r.run))] : []),
      cell(r.model, escapeHtml(r.model)),
      cell(r.strategy, escapeHtml(r.strategy)),
      cell(r.value, `${mark}<span class="value">${num(r.value)}</span>`, "num"),
      cell(r.ci?.[0] ?? null, `${intervalBar(r.value, r.ci, domain)}<span class="ci">${ci}</span>`, "bar-cell"),
      cell(r.n, String(r.n), "num"),
      cell(r.unscored, String(r.unscored), "num"),
      cell(r.errors, String(r.errors), "num"),
    ].join("")}</tr>`;
  });
  const direction = b.higherIsBetter ? "higher is better" : "lower is better";
  return `<table class="board leaderboard"><caption>${escapeHtml(b.metric)} <span class="muted">(${direction})</span></caption><thead><tr>${head
    .map(([name, kind]) => `<th data-kind="${kind}" tabindex="0" aria-sort="none">${escapeHtml(name)}</th>`)
    .join("")}</tr></thead><tbody>${rows.join("")}</tbody></table>`;
}
