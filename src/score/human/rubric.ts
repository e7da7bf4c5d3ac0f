// What raters rate against: a built-in autorater rubric as plain text, a judge's own rubric and
// scale (so humans rate on the judge's points), or a rubric file the user writes.
import { readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document } from "yaml";
import { z } from "zod";
import { didYouMean, UserError, ValidationError } from "../../errors.ts";
import { OptionsError, parseOptions } from "../../parse-options.ts";
import { builtinRubrics, resolveRubric } from "../autorater/rubric.ts";
import { readTextFile } from "../../text-file.ts";
import type { ReviewRubric, RubricPoint } from "./types.ts";

/** The most points a rubric may have: keys 1-9 and 0. */
export const MAX_POINTS = 10;

/** A judge scorer of the run as a rubric source: its label and stored spec (`{name, args, label}` JSON). */
export interface JudgeScorerSpec {
  label: string;
  args: string;
}

/**
 * The rubric `name` means: a file (.yaml, .yml, .json), a judge scorer label of the run, or a
 * built-in autorater rubric. Pairwise queues have no points.
 */
export function reviewRubric(name: string, options: { pairwise: boolean; judges: JudgeScorerSpec[]; cwd: string }): ReviewRubric {
  if (/\.(ya?ml|json)$/i.test(name)) return fileRubric(name, options);
  const judge = options.judges.find((j) => j.label === name);
  if (judge) return judgeRubric(judge, options.pairwise);
  if (Object.hasOwn(builtinRubrics, name)) {
    const pairwise = name === "preference";
    if (pairwise !== options.pairwise)
      throw new UserError(
        pairwise
          ? `rubric "preference" compares two outputs: use it with --mode pairwise`
          : `rubric "${name}" rates one output: a pairwise queue needs "preference" or a rubric file`,
        { code: "E_RUBRIC" },
      );
    const source = resolveRubric({ rubric: name }, undefined).source;
    const scale = builtinRubrics[name].defaults.scale;
    return fromTemplate(name, titleCase(name), source, pairwise ? undefined : { kind: "scale", lo: scale![0], hi: scale![1] });
  }
  const known = [...Object.keys(builtinRubrics), ...options.judges.map((j) => j.label)];
  throw new UserError(
    `unknown rubric "${name}"${didYouMean(name, known)} (built-in: ${Object.keys(builtinRubrics).join(", ")}; judges of the run: ${options.judges.map((j) => j.label).join(", ") || "none"}; or a .yaml/.json file)`,
    { code: "E_RUBRIC" },
  );
}

type Scale = { kind: "scale"; lo: number; hi: number } | { kind: "choices"; choices: Record<string, number> };

function judgeRubric(judge: JudgeScorerSpec, pairwise: boolean): ReviewRubric {
  const spec = JSON.parse(judge.args) as { args?: Record<string, unknown> };
  const args = spec.args ?? {};
  let source = "";
  if (typeof args.criteria === "string") {
    source = `## Criteria\n${args.criteria}\n${typeof args.rating_rubric === "string" ? `## Rating Rubric\n${args.rating_rubric}\n` : ""}`;
  } else if (typeof args.rubric_file === "string") {
    try {
      source = readFileSync(args.rubric_file, "utf8");
    } catch {
      source = ""; // the suite's .hbs moved since the run: the scale still stands, the guidelines are left empty
    }
  } else if (typeof args.rubric === "string" && Object.hasOwn(builtinRubrics, args.rubric)) {
    source = resolveRubric({ rubric: args.rubric }, undefined).source;
  }
  if (pairwise) return fromTemplate(judge.label, judge.label, source, undefined);
  let scale: Scale;
  if (Array.isArray(args.scale)) scale = { kind: "scale", lo: args.scale[0] as number, hi: args.scale[1] as number };
  else if (args.choices && typeof args.choices === "object") scale = { kind: "choices", choices: args.choices as Record<string, number> };
  else throw new UserError(`judge "${judge.label}" has neither a stored scale nor choices`, { code: "E_RUBRIC" });
  return fromTemplate(judge.label, judge.label, source, scale);
}

/** Guidelines from a rubric template's Metric Definition, Criteria and Rating Rubric sections; points from its scale. */
function fromTemplate(name: string, title: string, source: string, scale: Scale | undefined): ReviewRubric {
  const sections = templateSections(source);
  const guidelines = ["Metric Definition", "Criteria", "Rating Rubric"]
    .filter((s) => sections.has(s) && sections.get(s)!.trim())
    .map((s) => `${s}\n${sections.get(s)!.trim()}`)
    .join("\n\n");
  const labels = new Map<number, string>();
  for (const m of (sections.get("Rating Rubric") ?? "").matchAll(/^- (-?\d+(?:\.\d+)?): (.*)$/gm)) labels.set(Number(m[1]), m[2].trim());
  return { name, title, guidelines, points: scale ? pointsOf(scale, labels) : [] };
}

/** `## Heading` sections of a template, handlebars blocks (with what they hold) and mustaches removed. */
function templateSections(source: string): Map<string, string> {
  let text = source;
  // Innermost blocks first, until none is left: {{#if x}}...{{else}}...{{/if}} goes whole.
  for (let before = ""; before !== text; ) {
    before = text;
    text = text.replace(/\{\{#(\w+)[^}]*\}\}(?:(?!\{\{#)[\s\S])*?\{\{\/\1\}\}/g, "");
  }
  text = text.replace(/\{\{[^}]*\}\}/g, "");
  const sections = new Map<string, string>();
  let current: string | undefined;
  for (const line of text.split("\n")) {
    const heading = /^## (.+)$/.exec(line);
    if (heading) {
      current = heading[1].trim();
      sections.set(current, "");
    } else if (current !== undefined) sections.set(current, sections.get(current) + line + "\n");
  }
  for (const [k, v] of sections) sections.set(k, v.replace(/\n{3,}/g, "\n\n"));
  return sections;
}

function pointsOf(scale: Scale, labels: Map<number, string>): RubricPoint[] {
  const entries: [number, string][] =
    scale.kind === "scale"
      ? Array.from({ length: scale.hi - scale.lo + 1 }, (_, i) => [scale.lo + i, labels.get(scale.lo + i) ?? String(scale.lo + i)])
      : Object.entries(scale.choices).map(([label, score]) => [score, label]);
  if (entries.length > MAX_POINTS)
    throw new UserError(`a review rubric has at most ${MAX_POINTS} points (keys 1-9 and 0); this one has ${entries.length}`, {
      code: "E_RUBRIC",
    });
  if (new Set(entries.map((e) => e[0])).size !== entries.length)
    throw new UserError(`two points of the rubric share a score`, { code: "E_RUBRIC" });
  entries.sort((a, b) => a[0] - b[0]);
  return entries.map(([score, label], i) => ({
    key: String((i + 1) % 10),
    score,
    label: scale.kind === "choices" ? label : String(score),
    ...(scale.kind === "choices"
      ? labels.has(score)
        ? { description: labels.get(score) }
        : {}
      : label !== String(score)
        ? { description: label }
        : {}),
  }));
}

function titleCase(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1).replace(/-/g, " ");
}

const fileSchema = z
  .strictObject({
    title: z.string().min(1),
    guidelines: z.string(),
    scale: z
      .tuple([z.number().int(), z.number().int()])
      .refine(([lo, hi]) => lo < hi, "lo must be below hi")
      .optional(),
    choices: z.record(z.string().min(1), z.number().finite()).optional(),
    labels: z.record(z.string().regex(/^-?\d+(\.\d+)?$/, "a label's key is a score"), z.string()).optional(),
  })
  .refine((r) => (r.scale === undefined) !== (r.choices === undefined) || r.scale === undefined, "give scale or choices, not both");

/** A rubric file: `{title, guidelines, scale: [lo, hi] | choices: {label: score}, labels?: {score: text}}`; errors at file:line field. */
function fileRubric(name: string, options: { pairwise: boolean; cwd: string }): ReviewRubric {
  const path = resolve(options.cwd, name);
  const shown = relative(options.cwd, path) || path;
  const text = readTextFile(path, shown, { what: "rubric file", code: "E_RUBRIC" });
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, logLevel: "error" });
  if (doc.errors.length)
    throw new ValidationError(
      doc.errors.map(
        (e) =>
          `${shown}:${lineCounter.linePos(e.pos[0]).line}: invalid ${/json$/i.test(name) ? "JSON" : "YAML"}: ${e.message.split("\n")[0]}`,
      ),
    );
  let parsed: z.infer<typeof fileSchema>;
  try {
    parsed = parseOptions(fileSchema, doc.toJS(), `rubric file ${shown}`);
  } catch (error) {
    if (!(error instanceof OptionsError)) throw error;
    throw new ValidationError(
      error.issues.map((i) => `${shown}:${lineOf(doc, lineCounter, i.path)} ${i.path.join(".") || "(top level)"}: ${i.message}`),
    );
  }
  const at = (field: string) => `${shown}:${lineOf(doc, lineCounter, [field])} ${field}`;
  if (parsed.scale && parsed.choices) throw new UserError(`give scale or choices, not both`, { location: at("choices"), code: "E_RUBRIC" });
  if (options.pairwise) {
    if (parsed.scale || parsed.choices)
      throw new UserError(`a pairwise queue's raters pick A, B or tie: leave out scale and choices`, {
        location: at(parsed.scale ? "scale" : "choices"),
        code: "E_RUBRIC",
      });
    return { name: shown, title: parsed.title, guidelines: parsed.guidelines, points: [] };
  }
  if (!parsed.scale && !parsed.choices)
    throw new UserError(`a pointwise rubric needs scale: [lo, hi] or choices: {label: score}`, {
      location: `${shown}:1`,
      code: "E_RUBRIC",
    });
  const labels = new Map(Object.entries(parsed.labels ?? {}).map(([k, v]) => [Number(k), v]));
  const scale: Scale = parsed.scale
    ? { kind: "scale", lo: parsed.scale[0], hi: parsed.scale[1] }
    : { kind: "choices", choices: parsed.choices! };
  let points: RubricPoint[];
  try {
    points = pointsOf(scale, labels);
  } catch (error) {
    if (error instanceof UserError)
      throw new UserError(error.message, { location: at(parsed.scale ? "scale" : "choices"), code: "E_RUBRIC" });
    throw error;
  }
  for (const score of labels.keys())
    if (!points.some((p) => p.score === score))
      throw new UserError(`${score} is not a point of the scale`, { location: at("labels"), code: "E_RUBRIC" });
  return { name: shown, title: parsed.title, guidelines: parsed.guidelines, points };
}

function lineOf(doc: Document, lineCounter: LineCounter, path: (string | number)[]): number | string {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (depth > 0 && node === undefined) {
      const parent = depth === 1 ? doc.contents : doc.getIn(path.slice(0, depth - 1), true);
      if (isMap(parent)) {
        const pair = parent.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === path[depth - 1]);
        const range = pair && isScalar(pair.key) ? pair.key.range : undefined;
        if (range) return lineCounter.linePos(range[0]).line;
      }
      continue;
    }
    const range = (node as { range?: [number, number, number] } | null)?.range;
    if (range) return lineCounter.linePos(range[0]).line;
  }
  return 1;
}
