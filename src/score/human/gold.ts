// Gold items: outputs whose right rating is known, mixed into a queue to check that raters pay
// attention. Read from JSONL: a line points at an output of the run or carries its own content.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { didYouMean, ProblemList } from "../../errors.ts";
import { DuplicateKeyError, parseJsonLine } from "../../suite/json-line.ts";
import { readLines } from "../../suite/line-reader.ts";
import type { NewReviewItem, SourceTrial } from "../../store/review-queue.ts";
import type { Preference, ReviewRubric } from "./types.ts";
import { compareCodePoints } from "../autorater/calibrate.ts";
import { contestantName, referenceOf } from "./units.ts";

/** A gold item before it gets a position. */
export type GoldItem = Omit<NewReviewItem, "position" | "gold" | "needed">;

/** What gold lines are resolved against. */
export interface GoldContext {
  cwd: string;
  pairwise: boolean;
  rubric: ReviewRubric;
  /** The run's tasks. */
  tasks: { id: number; task: string }[];
  /** Every done output of the run (not only the selection's). */
  trials: () => SourceTrial[];
  render: (taskId: number, fields: string) => string;
}

const POINTWISE = '{"task", "item", "model"?, "strategy"?, "score"} or {"task", "input", "output", "reference"?, "score"}';
const PAIRWISE =
  '{"task", "item", "a": {"model", "strategy"}, "b": {...}, "preference"} or {"task", "input", "output_a", "output_b", "preference"}';

/**
 * The gold items of a JSONL file and the file's sha256. Every problem is reported at
 * `FILE:LINE field` and all of them together (a ValidationError); nothing is written then.
 */
export function readGold(path: string, context: GoldContext): { items: GoldItem[]; sha256: string } {
  const full = resolve(context.cwd, path);
  const shown = relative(context.cwd, full) || full;
  const problems = new ProblemList();
  const items: GoldItem[] = [];
  const shape = context.pairwise ? PAIRWISE : POINTWISE;
  let byOutput: Map<string, SourceTrial[]> | undefined;
  const outputs = () => {
    if (!byOutput) {
      byOutput = new Map();
      for (const t of context.trials()) {
        const key = `${t.taskId}\u0000${t.itemKey}`;
        byOutput.set(key, [...(byOutput.get(key) ?? []), t]);
      }
    }
    return byOutput;
  };
  for (const { number, text } of readLines(full, shown, { what: "gold file", code: "E_GOLD" })) {
    if (!text.trim()) continue;
    const where = `${shown}:${number}`;
    const bad = (field: string, message: string) => problems.add(`${where} ${field}: ${message}`);
    let row: Record<string, unknown>;
    try {
      const parsed = parseJsonLine(text);
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        problems.add(`${where}: each line is a JSON object ${shape}`);
        continue;
      }
      row = parsed as Record<string, unknown>;
    } catch (error) {
      problems.add(`${where}: ${error instanceof DuplicateKeyError ? error.message : `not JSON (${(error as Error).message})`}`);
      continue;
    }
    const task = taskOf(row.task, context.tasks, (m) => bad("task", m));
    const answer = context.pairwise
      ? preferenceOf(row.preference, (m) => bad("preference", m))
      : scoreOf(row.score, context.rubric, (m) => bad("score", m));
    const content = "input" in row;
    let item: GoldItem | undefined;
    if (content) item = contentItem(row, context.pairwise, bad);
    else if (task) item = referencedItem(row, task, context, outputs(), bad);
    else if (!("item" in row)) bad("item", `missing; each line is ${shape}`);
    if (!task || answer === undefined || !item) continue;
    item.taskId = task.id;
    if (context.pairwise) item.goldPreference = item.goldPreference ?? (answer as Preference);
    else item.goldScore = answer as number;
    items.push(item);
  }
  problems.throwIfAny();
  if (items.length === 0) problems.add(`${shown}: no gold items (each line is ${shape})`);
  problems.throwIfAny();
  return { items, sha256: createHash("sha256").update(readFileSync(full)).digest("hex") };
}

function taskOf(value: unknown, tasks: { id: number; task: string }[], bad: (m: string) => void): { id: number; task: string } | undefined {
  if (typeof value !== "string" || value === "") {
    bad(value === undefined ? "missing: the task (suite/task or its id) the item belongs to" : "must be a non-empty string");
    return undefined;
  }
  const exact = tasks.find((t) => t.task === value);
  if (exact) return exact;
  const byId = tasks.filter((t) => t.task.slice(t.task.indexOf("/") + 1) === value);
  if (byId.length === 1) return byId[0];
  if (byId.length > 1) bad(`"${value}" is in several suites (${byId.map((t) => t.task).join(", ")}); write suite/task`);
  else
    bad(
      `the run has no task "${value}"${didYouMean(
        value,
        tasks.map((t) => t.task),
      )}`,
    );
  return undefined;
}

function scoreOf(value: unknown, rubric: ReviewRubric, bad: (m: string) => void): number | undefined {
  const points = rubric.points;
  if (typeof value === "string") {
    const point = points.find((p) => p.label === value);
    if (point) return point.score;
  }
  if (typeof value === "number" && points.some((p) => p.score === value)) return value;
  bad(
    value === undefined
      ? `missing: the right score, one of ${points.map((p) => p.score).join(", ")}`
      : `${JSON.stringify(value)} is not a point of rubric ${rubric.name} (${points.map((p) => (p.label === String(p.score) ? p.label : `${p.label} = ${p.score}`)).join(", ")})`,
  );
  return undefined;
}

function preferenceOf(value: unknown, bad: (m: string) => void): Preference | undefined {
  if (value === "A" || value === "B" || value === "tie") return value;
  bad(value === undefined ? `missing: "A", "B" or "tie"` : `must be "A", "B" or "tie", got ${JSON.stringify(value)}`);
  return undefined;
}

function text(
  row: Record<string, unknown>,
  field: string,
  bad: (f: string, m: string) => void,
  optional = false,
): string | null | undefined {
  const v = row[field];
  if (v === undefined && optional) return null;
  if (typeof v === "string") return v;
  bad(field, v === undefined ? "missing" : "must be a string");
  return undefined;
}

function contentItem(row: Record<string, unknown>, pairwise: boolean, bad: (f: string, m: string) => void): GoldItem | undefined {
  const input = text(row, "input", bad);
  const reference = text(row, "reference", bad, true);
  const a = text(row, pairwise ? "output_a" : "output", bad);
  const b = pairwise ? text(row, "output_b", bad) : null;
  if (input === undefined || reference === undefined || a === undefined || b === undefined) return undefined;
  return {
    taskId: null,
    itemId: null,
    trialA: null,
    trialB: null,
    input: input!,
    reference,
    outputA: a!,
    outputB: b,
    goldScore: null,
    goldPreference: null,
  };
}

function referencedItem(
  row: Record<string, unknown>,
  task: { id: number; task: string },
  context: GoldContext,
  outputs: Map<string, SourceTrial[]>,
  bad: (f: string, m: string) => void,
): GoldItem | undefined {
  if (typeof row.item !== "string" && typeof row.item !== "number") {
    bad("item", "must be the item's id (a string or a number)");
    return undefined;
  }
  const candidates = outputs.get(`${task.id}\u0000${String(row.item)}`);
  if (!candidates) {
    bad("item", `task ${task.task} has no finished output of item "${String(row.item)}" in this run`);
    return undefined;
  }
  const pick = (side: Record<string, unknown>, field: string): SourceTrial | undefined => {
    const list = candidates.filter(
      (t) =>
        (side.model === undefined || t.model === side.model) &&
        (side.strategy === undefined || t.strategy === side.strategy) &&
        t.sample === 0,
    );
    if (list.length === 1) return list[0];
    const names = [...new Set(candidates.map((t) => `${t.model} ${t.strategy}`))].join(", ");
    bad(
      field,
      list.length === 0
        ? `no output of that model and strategy (it has ${names})`
        : `matches ${list.length} outputs (${names}): give model and strategy`,
    );
    return undefined;
  };
  if (!context.pairwise) {
    const t = pick(row, "model");
    if (!t) return undefined;
    return {
      taskId: task.id,
      itemId: t.itemId,
      trialA: t.trialId,
      trialB: null,
      input: context.render(t.taskId, t.fields),
      reference: referenceOf(t.targets),
      outputA: t.output,
      outputB: null,
      goldScore: null,
      goldPreference: null,
    };
  }
  const sides = ["a", "b"].map((s) => row[s]);
  if (sides.some((s) => typeof s !== "object" || s === null)) {
    bad(typeof row.a !== "object" || row.a === null ? "a" : "b", 'must be {"model", "strategy"}');
    return undefined;
  }
  const [x, y] = [pick(sides[0] as Record<string, unknown>, "a"), pick(sides[1] as Record<string, unknown>, "b")];
  if (!x || !y) return undefined;
  if (x.trialId === y.trialId) {
    bad("b", "is the same output as a");
    return undefined;
  }
  // Stored as pairs are: A = the contestant first in code-point order; the gold preference follows it.
  const flip = compareCodePoints(contestantName(x), contestantName(y)) > 0;
  const [first, second] = flip ? [y, x] : [x, y];
  const pref = row.preference;
  return {
    taskId: task.id,
    itemId: x.itemId,
    trialA: first.trialId,
    trialB: second.trialId,
    input: context.render(x.taskId, x.fields),
    reference: referenceOf(x.targets),
    outputA: first.output,
    outputB: second.output,
    goldScore: null,
    goldPreference: flip && (pref === "A" || pref === "B") ? (pref === "A" ? "B" : "A") : null,
  };
}
