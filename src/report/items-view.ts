// `assay show RUN --items`: per trial, the prompt, output, extracted answer, targets and
// every score (or why it is unscored), filtered; readable in a terminal, complete as JSON.
import { UserError, ValidationError, didYouMean } from "../errors.ts";
import { storePath, type Db } from "../store/db.ts";
import { runNames } from "../store/run-progress.ts";
import { getRun } from "../store/runs.ts";
import { countTrialRows, trialRows, type TrialFilter, type TrialRow } from "../store/trial-rows.ts";
import { countOf } from "./plural.ts";
import { cutText, terminalText } from "./terminal-text.ts";

/** What `showItems` selects: a filter, and at most `limit` trials (default: all). */
export interface ShowItemsOptions extends TrialFilter {
  limit?: number;
}

/** The selected trials of a run: how many match, and the rows (lazily; at most `limit`). */
export interface ItemsView {
  runId: number;
  /** Trials matching the filter (the rows may stop earlier, at the limit). */
  total: number;
  rows: Iterable<TrialRow>;
}

/**
 * A run's trials with their prompts, outputs, answers, targets and scores. A filter naming a
 * task, model, strategy or metric the run does not have is a UserError (with did-you-mean).
 * @example for (const t of showItems(db, 3, { outcome: "failed", limit: 10 }).rows) console.log(t.item, t.output)
 */
export function showItems(db: Db, runId: number, options: ShowItemsOptions = {}): ItemsView {
  if (!getRun(db, runId)) throw new UserError(`no run ${runId} in ${storePath(db)}`, { code: "E_SHOW" });
  checkFilter(db, runId, options);
  const { limit, ...filter } = options;
  return { runId, total: countTrialRows(db, runId, filter), rows: trialRows(db, runId, filter, { limit, generations: true }) };
}

function checkFilter(db: Db, runId: number, filter: TrialFilter): void {
  const names = runNames(db, runId);
  const problems: string[] = [];
  const check = (flag: string, value: string | undefined, known: string[], extra: string[] = []) => {
    if (value === undefined || known.includes(value) || extra.includes(value)) return;
    problems.push(
      `${flag}: run ${runId} has no ${flag.slice(2)} "${value}"${didYouMean(value, known)} (it has: ${known.join(", ") || "none"})`,
    );
  };
  const taskIds = names.tasks.flatMap((t) => [t.slice(t.indexOf("/") + 1), t.slice(0, t.indexOf("/"))]);
  check("--task", filter.task, names.tasks, taskIds);
  check("--model", filter.model, names.models);
  check("--strategy", filter.strategy, names.strategies);
  check("--metric", filter.metric, names.metrics);
  if (problems.length) throw new ValidationError(problems);
}

const limits = { maxChars: 600, maxLines: 12 };
const label = (name: string) => `  ${name.padEnd(8)} `;

/** One field: its label, then the text (made terminal-safe, cut if long), continuation lines indented. */
function field(name: string, text: string): string {
  const indent = " ".repeat(label(name).length);
  const lines = terminalText(cutText(text, limits)).split("\n");
  return label(name) + lines.map((line, i) => (i === 0 || line === "" ? line : indent + line)).join("\n");
}

function score(s: TrialRow["scores"][number]): string {
  if (s.value !== null) return `${s.metric} ${Number.isInteger(s.value) ? s.value : s.value.toFixed(3)}`;
  return `${s.metric} unscored${s.explanation ? ` (${s.explanation})` : ""}`;
}

/** One trial as terminal text: a heading line, then prompt, output, answer, targets, scores or error. */
export function itemText(row: TrialRow): string {
  const heading = [row.task, `item ${row.item}`, row.model, row.strategy, `sample ${row.sample}`, row.status]
    .map((x) => terminalText(x).replace(/\n/g, "\\x0a"))
    .join("  ");
  const out = [heading];
  if (row.system !== null) out.push(field("system", row.system));
  if (row.prompt !== null) out.push(field("prompt", row.prompt));
  if (row.status === "error") out.push(field("error", row.error ?? ""));
  else {
    out.push(field("output", row.output ?? ""));
    out.push(field("answer", row.answer ?? "(none extracted)"));
  }
  if (row.generations && row.generations.length > 1) out.push(field("votes", row.generations.map((g) => g.answer ?? "(none)").join(" | ")));
  if (row.targets !== null) out.push(field(row.targets.length === 1 ? "target" : "targets", row.targets.join(" | ")));
  if (row.scores.length) out.push(field("scores", row.scores.map(score).join("  ·  ")));
  for (const s of row.scores)
    for (const j of s.judgments ?? []) {
      const verdict =
        j.status === "ok"
          ? `verdict ${j.verdict}${j.weighting === "logprobs" ? ` (weighted ${j.score?.toFixed(3)})` : ""}`
          : `${j.status}: ${j.error ?? ""}`;
      const sample = (s.judgments?.length ?? 0) > 1 ? ` #${j.sample}` : "";
      out.push(field("judge", `${s.metric}${sample}: ${verdict}${j.reasoning ? `\n${j.reasoning}` : ""}`));
    }
  return out.join("\n");
}

/** The view as terminal text: every row, then how many matched if not all are shown. */
export function itemsText(view: ItemsView): string {
  const blocks: string[] = [];
  for (const row of view.rows) blocks.push(itemText(row));
  const shown = blocks.length;
  const footer =
    shown < view.total
      ? `showing ${shown} of ${countOf(view.total, "matching trial")} (--limit N for more; --json has every field)`
      : `${countOf(view.total, "matching trial")}`;
  return [...blocks, footer].join("\n\n");
}
