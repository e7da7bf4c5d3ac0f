// `assay calibrate` as a library function: a stored run's scores under one scorer label, joined
// with a labels file's human ratings, handed to calibrate().
import { resolve } from "node:path";
import { ProblemList, UserError, didYouMean } from "../../errors.ts";
import { scorerValues, scorersNamed, scorerNames, runNames } from "../../store/calibration.ts";
import type { Db } from "../../store/db.ts";
import { getRun } from "../../store/runs.ts";
import { calibrate, type Calibration, type CalibrationUnit } from "./calibrate.ts";
import { describeScale, labelResolver, readLabels, scalePoints, type JudgeScale, type ResolvedLabel } from "./labels.ts";

/** Options of calibrateRun(). */
export interface CalibrateRunOptions {
  run: number;
  /** The scorer's label, as results name the metric (`correctness`, `exact-match`). */
  scorer: string;
  /** Path of the labels file (JSONL). */
  labels: string;
  /** The labels file as the user wrote it, for messages (default: `labels`). */
  labelsShown?: string;
  /** Directory a relative `labels` path is resolved against (default: the process's). */
  cwd?: string;
  seed?: number | string;
  resamples?: number;
  confidence?: number;
}

/** A run's calibration: what was compared, then calibrate()'s figures. */
export interface RunCalibration extends Calibration {
  run: number;
  scorer: string;
  /** The judge's scale in words (`1-5`, `choices correct = 1, incorrect = 0`, `pass/fail, 0 or 1`). */
  scale: string;
  /** Label lines read (well-formed ones). */
  labels: number;
}

/**
 * Calibrate a stored judge (or any scorer) against human labels. The judge's score of an output is
 * its stored value put back on the rubric's scale (lo + value * (hi - lo); a choice's score as
 * stored), averaged over samples. Every problem in the labels file (shape, unknown task, model or
 * strategy, a score off the scale, an output the run lacks) is reported at once as a ValidationError.
 * @example calibrateRun(db, { run: 3, scorer: "correctness", labels: "labels.jsonl" })
 */
export function calibrateRun(db: Db, options: CalibrateRunOptions): RunCalibration {
  const shown = options.labelsShown ?? options.labels;
  if (!getRun(db, options.run)) throw new UserError(`no run ${options.run}`, { code: "E_CALIBRATE" });
  const scorers = scorersNamed(db, options.run, options.scorer);
  if (scorers.length === 0) {
    const known = scorerNames(db, options.run);
    throw new UserError(
      `run ${options.run} has no scorer "${options.scorer}"${didYouMean(options.scorer, known)} (it has ${known.join(", ") || "none"})`,
      { code: "E_CALIBRATE" },
    );
  }
  const scales = new Map(scorers.map((s) => [s.task, scaleOfStoredScorer(s.args, s.binary === 1, s.task)]));
  const names = runNames(db, options.run);
  const problems = new ProblemList();
  const resolveLabel = labelResolver(
    { run: options.run, scorer: options.scorer, tasks: names.tasks, models: names.models, scales },
    shown,
    problems,
  );
  const labels: ResolvedLabel[] = [];
  let lines = 0;
  for (const line of readLabels(resolve(options.cwd ?? process.cwd(), options.labels), shown, problems)) {
    lines++;
    const label = resolveLabel(line);
    if (label) labels.push(label);
  }
  if (lines === 0 && !problems.any) throw new UserError(`${shown}: no labels (one JSON object a line)`, { code: "E_LABELS" });
  const labelledTasks = [...new Set(labels.map((l) => l.task))];
  const described = new Set(labelledTasks.map((t) => describeScale(scales.get(t)!)));
  if (described.size > 1) {
    problems.add(
      `${shown}: the labelled tasks score "${options.scorer}" on different scales (${labelledTasks.map((t) => `${t}: ${describeScale(scales.get(t)!)}`).join("; ")}); calibrate one scale at a time`,
    );
  }
  const units = judgedUnits(db, labels, scorers, scales, shown, options.run, problems);
  problems.throwIfAny();
  const scale = scales.get(labelledTasks[0])!;
  const result = calibrate(units, {
    points: scalePoints(scale),
    seed: options.seed,
    resamples: options.resamples,
    confidence: options.confidence,
  });
  return { run: options.run, scorer: options.scorer, scale: describeScale(scale), labels: lines, ...result };
}

/**
 * The scale a stored scorer spec (`{name, args, label?}`) scores on: a judge's `scale: [lo, hi]`
 * or `choices`; a pass/fail scorer's 0 and 1; otherwise its values as they are.
 */
export function scaleOfStoredScorer(argsJson: string, binary: boolean, task: string): JudgeScale {
  let spec: { name?: unknown; args?: Record<string, unknown> };
  try {
    spec = JSON.parse(argsJson) as typeof spec;
  } catch {
    throw new UserError(`task ${task}: a stored scorer spec is not JSON: ${argsJson.slice(0, 80)}`, { code: "E_DB_CORRUPT" });
  }
  const args = spec?.args ?? {};
  const scale = args.scale;
  if (Array.isArray(scale) && scale.length === 2 && scale.every(Number.isInteger) && scale[0] < scale[1]) {
    return { kind: "scale", lo: scale[0] as number, hi: scale[1] as number };
  }
  const choices = args.choices;
  if (choices && typeof choices === "object" && !Array.isArray(choices) && Object.values(choices).every((v) => Number.isFinite(v))) {
    return { kind: "choices", choices: choices as Record<string, number> };
  }
  if (spec?.name === "judge") {
    throw new UserError(`task ${task}: the stored judge has neither a scale [lo, hi] nor choices, so its scores cannot be put on a scale`, {
      code: "E_CALIBRATE",
    });
  }
  return binary ? { kind: "pass-fail" } : { kind: "values" };
}

/** A stored mean on the judge's scale; rounded to 12 significant digits so that the normalisation's float error (2.4999999999999996) does not split equal scores or ties. */
function onScale(normalisedMean: number, scale: JudgeScale): number {
  const x = scale.kind === "scale" ? scale.lo + normalisedMean * (scale.hi - scale.lo) : normalisedMean;
  return Number(x.toPrecision(12));
}

/** The labelled outputs with the judge's score (mean of its scored samples; null when none), from one pass over each labelled task's trials. */
function judgedUnits(
  db: Db,
  labels: ResolvedLabel[],
  scorers: { task: string; scorerId: number }[],
  scales: Map<string, JudgeScale>,
  shown: string,
  run: number,
  problems: ProblemList,
): CalibrationUnit[] {
  const unitKey = (u: { task: string; item: string; model: string; strategy: string }) =>
    JSON.stringify([u.task, u.item, u.model, u.strategy]);
  const wanted = new Map<string, { labels: ResolvedLabel[]; sum: number; scored: number; found: boolean }>();
  for (const label of labels) {
    const key = unitKey(label);
    const unit = wanted.get(key);
    if (unit) unit.labels.push(label);
    else wanted.set(key, { labels: [label], sum: 0, scored: 0, found: false });
  }
  const labelledTasks = new Set(labels.map((l) => l.task));
  for (const scorer of scorers) {
    if (!labelledTasks.has(scorer.task)) continue;
    for (const row of scorerValues(db, scorer.scorerId)) {
      const unit = wanted.get(unitKey(row));
      if (!unit) continue;
      unit.found = true;
      if (row.value !== null) {
        unit.sum += row.value;
        unit.scored++;
      }
    }
  }
  const units: CalibrationUnit[] = [];
  for (const unit of wanted.values()) {
    const { task, item, model, strategy } = unit.labels[0];
    if (!unit.found) {
      const lines = unit.labels.map((l) => l.line).join(", ");
      problems.add(`${shown}:${lines}: run ${run} has no output of task ${task}, item "${item}", model ${model}, strategy ${strategy}`);
      continue;
    }
    const judge = unit.scored > 0 ? onScale(unit.sum / unit.scored, scales.get(task)!) : null;
    units.push({ task, item, model, strategy, judge, humans: unit.labels.map((l) => ({ rater: l.rater, score: l.score })) });
  }
  return units;
}
