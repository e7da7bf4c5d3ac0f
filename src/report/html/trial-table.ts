// Every trial of the reported runs for the drill-down, compact: each distinct string once in
// a table, each trial one array of numbers (string indices), so 100,000 trials stay small.
import type { Db } from "../../store/db.ts";
import { trialHumanRatings } from "../../store/report-queries.ts";
import { trialRows } from "../../store/trial-rows.ts";

/**
 * Trials as rows of `TrialColumns` order. A string field holds an index into `strings`
 * (-1: none). `scores` is a flat list of triples: metric (string index), value (null:
 * unscored), judge reasoning or unscored explanation (string index, -1: none). `human`
 * lists the current human ratings of the trial, each one string (queue, rater, rating, comment).
 */
export interface TrialTable {
  columns: typeof TrialColumns;
  strings: string[];
  rows: (number | null | (number | null)[])[][];
}

/** The order of a trial row's fields. */
export const TrialColumns = [
  "run",
  "task",
  "item",
  "model",
  "strategy",
  "sample",
  "status",
  "prompt",
  "output",
  "answer",
  "target",
  "error",
  "scores",
  "human",
] as const;

/** Every trial of runs `runIds`, in write order, with its scores, judges' reasoning and human ratings. */
export function trialTable(db: Db, runIds: number[]): TrialTable {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const intern = (s: string | null | undefined): number => {
    if (s === null || s === undefined) return -1;
    let i = index.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      index.set(s, i);
    }
    return i;
  };
  const rows: TrialTable["rows"] = [];
  for (const runId of runIds) {
    const human = new Map<number, number[]>();
    for (const h of trialHumanRatings(db, runId)) {
      const rating = h.score !== null ? `rated ${h.score}` : (h.preference ?? "no rating");
      const text = `${h.queue} · ${h.rater}: ${rating}${h.comment ? ` (${h.comment})` : ""}`;
      human.set(h.trialId, [...(human.get(h.trialId) ?? []), intern(text)]);
    }
    for (const t of trialRows(db, runId)) {
      const scores: (number | null)[] = [];
      for (const s of t.scores) {
        const reasons = (s.judgments ?? []).map((j) => j.reasoning ?? j.error).filter((r): r is string => !!r);
        scores.push(intern(s.metric), s.value, intern(reasons.length ? reasons.join("\n\n") : s.explanation));
      }
      rows.push([
        runId,
        intern(t.task),
        intern(t.item),
        intern(t.model),
        intern(t.strategy),
        t.sample,
        t.status === "error" ? 1 : 0,
        intern(t.system === null ? t.prompt : `${t.system}\n\n${t.prompt ?? ""}`),
        intern(t.output),
        intern(t.answer),
        intern(t.targets === null ? null : t.targets.join(" | ")),
        intern(t.error),
        scores,
        human.get(t.trialId) ?? [],
      ]);
    }
  }
  return { columns: TrialColumns, strings, rows };
}
