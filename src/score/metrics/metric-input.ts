// Reads `assay metric`'s hypothesis and reference files: one segment per line (text), or one JSON
// value per line (`--format jsonl`) so a segment can hold newlines (ROUGE-Lsum's sentences).
import { ProblemList, UserError, ValidationError } from "../../errors.ts";
import { readTextFile } from "../../text-file.ts";

/** How segments are laid out in the files. */
export const METRIC_FORMATS = ["lines", "jsonl"] as const;
export type MetricFormat = (typeof METRIC_FORMATS)[number];

/** Hypotheses with their references, segment by segment, and where each segment came from. */
export interface MetricInput {
  hyps: string[];
  /** refs[i]: the references of segment i (as many as --ref files, or the line's `refs`). */
  refs: string[][];
  /** `file:line` of each hypothesis, for messages. */
  where: string[];
}

/** Lines of a text file: split on "\n", a final newline does not start a segment, "\r" dropped. */
function textLines(path: string, what: string): string[] {
  const text = readTextFile(path, path, { what });
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
}

type JsonLine = { kind: "string"; text: string } | { kind: "object"; hyp: string; refs: string[] };

/** Parses one JSONL line: a JSON string, or `{"hyp": string, "refs": [string, ...]}`. */
function jsonLine(line: string, allowObject: boolean): JsonLine | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return `not valid JSON (${(error as Error).message})`;
  }
  if (typeof value === "string") return { kind: "string", text: value };
  const expected = allowObject ? 'a JSON string or an object {"hyp": "...", "refs": ["...", ...]}' : "a JSON string";
  if (!allowObject || value === null || typeof value !== "object" || Array.isArray(value)) return `expected ${expected}`;
  const o = value as Record<string, unknown>;
  const extra = Object.keys(o).filter((k) => k !== "hyp" && k !== "refs");
  if (extra.length)
    return `unknown field${extra.length > 1 ? "s" : ""} ${extra.map((k) => `"${k}"`).join(", ")} (expected "hyp" and "refs")`;
  if (typeof o.hyp !== "string") return '"hyp" must be a string';
  if (!Array.isArray(o.refs) || o.refs.length === 0 || !o.refs.every((r) => typeof r === "string"))
    return '"refs" must be a non-empty array of strings';
  return { kind: "object", hyp: o.hyp, refs: o.refs as string[] };
}

/** The JSONL lines of a file; an empty line is a mistake (it would shift every segment after it). */
function readJsonl(path: string, what: string, allowObject: boolean, problems: string[]): JsonLine[] {
  const out: JsonLine[] = [];
  textLines(path, what).forEach((line, i) => {
    const parsed = line.trim() === "" ? "empty line (each line must be one JSON value)" : jsonLine(line, allowObject);
    if (typeof parsed === "string") problems.push(`${path}:${i + 1}: ${parsed}`);
    else out.push(parsed);
  });
  return out;
}

function fail(problems: string[]): never {
  const capped = new ProblemList();
  for (const problem of problems) capped.add(problem);
  const shown = capped.list();
  throw shown.length === 1 ? new UserError(shown[0], { code: "E_INPUT" }) : new ValidationError(shown);
}

/**
 * Reads the hypotheses and references. Text files are refused when they are not valid UTF-8,
 * binary, a directory or a device (readTextFile). With `jsonl`, the hypothesis file holds JSON
 * strings (with `--ref` files of JSON strings) or `{"hyp", "refs"}` objects (then no `--ref`).
 * Every problem is reported at once, each with `file:line`.
 */
export function readMetricInput(hyp: string, refFiles: string[], format: MetricFormat = "lines"): MetricInput {
  const problems: string[] = [];
  let hyps: string[];
  let refs: string[][];
  if (format === "jsonl") {
    const lines = readJsonl(hyp, "hypothesis file", true, problems);
    const objects = lines.filter((l) => l.kind === "object").length;
    if (objects > 0 && objects < lines.length)
      problems.push(`${hyp}: mixes JSON strings and {"hyp", "refs"} objects; use one or the other`);
    if (objects > 0 && refFiles.length) problems.push(`${hyp}: holds {"hyp", "refs"} objects, so --ref files are not used; drop --ref`);
    if (problems.length) fail(problems);
    if (objects > 0) {
      hyps = lines.map((l) => (l.kind === "object" ? l.hyp : ""));
      refs = lines.map((l) => (l.kind === "object" ? l.refs : []));
      return { hyps, refs, where: hyps.map((_, i) => `${hyp}:${i + 1}`) };
    }
    hyps = lines.map((l) => (l.kind === "string" ? l.text : ""));
    const streams = refFiles.map((f) => readJsonl(f, "reference file", false, problems).map((l) => (l.kind === "string" ? l.text : "")));
    if (problems.length) fail(problems);
    refs = transpose(hyp, hyps, refFiles, streams);
  } else {
    hyps = textLines(hyp, "hypothesis file");
    refs = transpose(
      hyp,
      hyps,
      refFiles,
      refFiles.map((f) => textLines(f, "reference file")),
    );
  }
  return { hyps, refs, where: hyps.map((_, i) => `${hyp}:${i + 1}`) };
}

/** Per-segment reference lists from line-aligned reference streams (which must match the hypotheses' count). */
function transpose(hyp: string, hyps: string[], refFiles: string[], streams: string[][]): string[][] {
  if (refFiles.length === 0)
    throw new UserError('at least one --ref file is required (or, with --format jsonl, {"hyp", "refs"} objects)', { code: "E_OPTION" });
  const mismatched = streams.map((r, k) => [refFiles[k], r.length] as const).filter(([, n]) => n !== hyps.length);
  if (mismatched.length) {
    const detail = mismatched.map(([f, n]) => `${f} has ${n} line${n === 1 ? "" : "s"}`).join(", ");
    throw new UserError(`line counts differ: ${hyp} has ${hyps.length} line${hyps.length === 1 ? "" : "s"}, ${detail}`, {
      code: "E_LINES",
    });
  }
  return hyps.map((_, i) => streams.map((s) => s[i]));
}
