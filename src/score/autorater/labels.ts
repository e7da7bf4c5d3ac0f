// Human labels for `assay calibrate`: a JSONL file of {"task", "item", "model"?, "strategy"?,
// "rater", "score"} lines, read as a stream and resolved against a run's names and the judge's scale.
import { didYouMean, type ProblemList } from "../../errors.ts";
import { DuplicateKeyError, parseJsonLine } from "../../suite/json-line.ts";
import { readLines } from "../../suite/line-reader.ts";

/** The scale a judge scores on, which human scores must fit. */
export type JudgeScale =
  /** `scale: [lo, hi]`: whole numbers lo..hi. */
  | { kind: "scale"; lo: number; hi: number }
  /** `choices: {name: score}`: a label gives a choice's name or its score. */
  | { kind: "choices"; choices: Record<string, number> }
  /** A pass/fail scorer (exact-match as the "judge"): 0 or 1. */
  | { kind: "pass-fail" }
  /** Any other scorer: its values as given, no scale to check. */
  | { kind: "values" };

/** The categories of a scale (ascending), or undefined when the values are their own categories. */
export function scalePoints(scale: JudgeScale): number[] | undefined {
  switch (scale.kind) {
    case "scale":
      return Array.from({ length: scale.hi - scale.lo + 1 }, (_, i) => scale.lo + i);
    case "choices":
      return [...new Set(Object.values(scale.choices))].sort((a, b) => a - b);
    case "pass-fail":
      return [0, 1];
    case "values":
      return undefined;
  }
}

/** A scale in words, for messages: `1-5`, `choices correct = 1, incorrect = 0`. */
export function describeScale(scale: JudgeScale): string {
  switch (scale.kind) {
    case "scale":
      return `${scale.lo}-${scale.hi}`;
    case "choices":
      return `choices ${Object.entries(scale.choices)
        .map(([name, score]) => `${name} = ${score}`)
        .join(", ")}`;
    case "pass-fail":
      return "pass/fail, 0 or 1";
    case "values":
      return "values as stored";
  }
}

/** One line of a labels file, its shape checked. */
export interface LabelLine {
  line: number;
  task: string;
  item: string;
  model?: string;
  strategy?: string;
  rater: string;
  score: number | string;
}

const SHAPE = '{"task", "item", "model"?, "strategy"?, "rater", "score"}';

/**
 * The lines of a labels file, streamed (FIFOs, directories and bad UTF-8 refused with file:line).
 * Lines whose shape is wrong go to `problems` as `FILE:LINE field: message` and are not yielded;
 * fields other than these are ignored (exports carry comments and times).
 */
export function* readLabels(path: string, shown: string, problems: ProblemList): Generator<LabelLine> {
  for (const { number, text } of readLines(path, shown, { what: "labels file", code: "E_LABELS" })) {
    if (!text.trim()) continue;
    const where = `${shown}:${number}`;
    let row: unknown;
    try {
      row = parseJsonLine(text);
    } catch (error) {
      problems.add(`${where}: ${error instanceof DuplicateKeyError ? error.message : `not JSON (${(error as Error).message})`}`);
      continue;
    }
    if (typeof row !== "object" || row === null || Array.isArray(row)) {
      problems.add(`${where}: each line must be a JSON object ${SHAPE}`);
      continue;
    }
    const r = row as Record<string, unknown>;
    const bad = (field: string, message: string) => problems.add(`${where} ${field}: ${message}`);
    let ok = true;
    const needText = (field: string) => {
      if (typeof r[field] !== "string" || r[field] === "") {
        bad(field, r[field] === undefined ? `missing; each line is ${SHAPE}` : "must be a non-empty string");
        ok = false;
      }
    };
    needText("task");
    if (typeof r.item !== "string" && !(typeof r.item === "number" && Number.isFinite(r.item))) {
      bad("item", r.item === undefined ? `missing; each line is ${SHAPE}` : "must be a string or a number (the item's id)");
      ok = false;
    }
    for (const field of ["model", "strategy"]) {
      if (r[field] !== undefined && typeof r[field] !== "string") {
        bad(field, "must be a string (or left out when the run has only one)");
        ok = false;
      }
    }
    needText("rater");
    if (!(typeof r.score === "string" || (typeof r.score === "number" && Number.isFinite(r.score)))) {
      bad("score", r.score === undefined ? `missing; each line is ${SHAPE}` : "must be a number on the judge's scale (or a choice's name)");
      ok = false;
    }
    if (!ok) continue;
    yield {
      line: number,
      task: r.task as string,
      item: String(r.item),
      model: r.model as string | undefined,
      strategy: r.strategy as string | undefined,
      rater: r.rater as string,
      score: r.score as number | string,
    };
  }
}

/** A label resolved against a run: full names and a number on the judge's scale. */
export interface ResolvedLabel {
  line: number;
  /** `suite/task`. */
  task: string;
  item: string;
  model: string;
  strategy: string;
  rater: string;
  score: number;
}

/** What a labels file is resolved against: the run's names and, per labelled task, the judge's scale. */
export interface LabelTargets {
  run: number;
  scorer: string;
  tasks: { task: string; strategies: string[] }[];
  models: string[];
  /** The scale of the scorer in each task that has it (`suite/task` -> scale). */
  scales: Map<string, JudgeScale>;
}

/**
 * A resolver of labels against a run: each label's task (`suite/task`, or the bare task id when
 * only one suite has it), model and strategy (either may be left out when there is only one),
 * and score (on the judge's scale). A label that does not resolve (undefined) has its problems in
 * `problems` with the file's line and field; a rater labelling one output twice is one.
 */
export function labelResolver(
  targets: LabelTargets,
  shown: string,
  problems: ProblemList,
): (label: LabelLine) => ResolvedLabel | undefined {
  const byKey = new Map(targets.tasks.map((t) => [t.task, t]));
  const byId = new Map<string, string[]>();
  for (const t of targets.tasks) {
    const id = t.task.slice(t.task.indexOf("/") + 1);
    byId.set(id, [...(byId.get(id) ?? []), t.task]);
  }
  const seen = new Map<string, number>();
  return (label) => {
    const where = `${shown}:${label.line}`;
    const bad = (field: string, message: string) => problems.add(`${where} ${field}: ${message}`);
    const task = byKey.get(label.task) ?? (byId.get(label.task)?.length === 1 ? byKey.get(byId.get(label.task)![0]) : undefined);
    if (!task) {
      const several = byId.get(label.task);
      if (several && several.length > 1)
        bad("task", `"${label.task}" is in several suites of run ${targets.run} (${several.join(", ")}); write suite/task`);
      else bad("task", `run ${targets.run} has no task "${label.task}"${didYouMean(label.task, [...byKey.keys(), ...byId.keys()])}`);
      return undefined;
    }
    const scale = targets.scales.get(task.task);
    if (!scale) {
      bad("task", `task ${task.task} has no scorer "${targets.scorer}" in run ${targets.run}`);
      return undefined;
    }
    const model = pick(label.model, targets.models, "model", `run ${targets.run}`, bad);
    const strategy = pick(label.strategy, task.strategies, "strategy", `task ${task.task}`, bad);
    const score = scoreOnScale(label.score, scale, (message) => bad("score", message));
    if (model === undefined || strategy === undefined || score === undefined) return undefined;
    const key = JSON.stringify([task.task, label.item, model, strategy, label.rater]);
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      problems.add(
        `${where}: rater "${label.rater}" already labelled this output (task ${task.task}, item "${label.item}", model ${model}, strategy ${strategy}) at line ${earlier}; keep one`,
      );
      return undefined;
    }
    seen.set(key, label.line);
    return { line: label.line, task: task.task, item: label.item, model, strategy, rater: label.rater, score };
  };
}

/** The named model or strategy, or the only one there is; undefined after a problem. */
function pick(
  given: string | undefined,
  known: string[],
  field: string,
  owner: string,
  bad: (field: string, message: string) => void,
): string | undefined {
  if (given !== undefined) {
    if (known.includes(given)) return given;
    bad(field, `${owner} has no ${field} "${given}"${didYouMean(given, known)} (it has ${known.join(", ")})`);
    return undefined;
  }
  if (known.length === 1) return known[0];
  bad(field, `missing, and ${owner} has ${known.length} ${field === "model" ? "models" : "strategies"} (${known.join(", ")}): say which`);
  return undefined;
}

/** A label's score as a number on the scale, or undefined after reporting why it does not fit. */
function scoreOnScale(score: number | string, scale: JudgeScale, bad: (message: string) => void): number | undefined {
  if (scale.kind === "choices") {
    if (typeof score === "string") {
      if (Object.hasOwn(scale.choices, score)) return scale.choices[score];
      bad(
        `"${score}" is not one of the judge's choices (${Object.keys(scale.choices).join(", ")})${didYouMean(score, Object.keys(scale.choices))}`,
      );
      return undefined;
    }
    if (Object.values(scale.choices).includes(score)) return score;
    bad(`${score} is not the score of one of the judge's ${describeScale(scale)}`);
    return undefined;
  }
  if (typeof score === "string") {
    bad(`"${score}" is text; the judge's scale is ${describeScale(scale)}`);
    return undefined;
  }
  const points = scalePoints(scale);
  if (scale.kind === "pass-fail" && !points!.includes(score)) {
    bad(`${score} is not 0 or 1 (the scorer is pass/fail)`);
    return undefined;
  }
  if (points && !points.includes(score)) {
    const inside = scale.kind === "scale" && score > scale.lo && score < scale.hi;
    bad(
      inside
        ? `${score} is not a point of the judge's scale ${describeScale(scale)} (whole numbers only)`
        : `${score} is outside the judge's scale ${describeScale(scale)}`,
    );
    return undefined;
  }
  return score;
}
