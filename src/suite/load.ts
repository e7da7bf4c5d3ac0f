// Parses a suite YAML file into task declarations; every problem is reported with
// file:line and the field path, all at once.
import { readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { LineCounter, parseDocument, type Document } from "yaml";
import { UserError, ValidationError } from "../errors.ts";
import { scorerSpecs, strategySpecs } from "./entries.ts";
import { suiteSchema, type SuiteFile, type TaskEntry } from "./schema.ts";
import type { TaskDeclaration } from "./types.ts";

/** Paths in messages are shown relative to the working directory. */
export function shownPath(path: string, cwd = process.cwd()): string {
  const rel = relative(cwd, path);
  return rel.startsWith("..") ? path : rel;
}

/** Parse and validate one suite file into its task declarations (data files are not read yet). */
export function loadSuiteFile(path: string, cwd = process.cwd()): TaskDeclaration[] {
  const shown = shownPath(path, cwd);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new UserError(`cannot read suite (${(error as NodeJS.ErrnoException).code})`, { location: shown, code: "E_SUITE" });
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    throw new ValidationError(doc.errors.map((e) => `${shown}:${lineCounter.linePos(e.pos[0]).line}: ${e.message.split("\n")[0]}`));
  }
  const where = (path: (string | number)[]) => `${shown}:${lineOf(doc, lineCounter, path)} ${formatPath(path)}`;
  const parsed = suiteSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    throw new ValidationError(parsed.error.issues.map((issue) => `${where(issue.path as (string | number)[])}: ${issueMessage(issue)}`));
  }
  const suite = parsed.data;
  const problems: string[] = [];
  const seen = new Map<string, number>();
  const tasks: TaskDeclaration[] = [];
  suite.tasks.forEach((task, t) => {
    if (seen.has(task.id)) problems.push(`${where(["tasks", t, "id"])}: duplicate task id "${task.id}" (also tasks[${seen.get(task.id)}])`);
    seen.set(task.id, t);
    try {
      tasks.push(declareTask(suite, task, t, path, where, problems));
    } catch (error) {
      if (error instanceof UserError) problems.push(error.message);
      else throw error;
    }
  });
  if (problems.length) throw new ValidationError(problems);
  return tasks;
}

function declareTask(
  suite: SuiteFile,
  task: TaskEntry,
  t: number,
  file: string,
  where: (path: (string | number)[]) => string,
  problems: string[],
): TaskDeclaration {
  const base = dirname(file);
  const at = (...rest: (string | number)[]) => where(["tasks", t, ...rest]);
  if ((task.prompt === undefined) === (task.prompt_file === undefined)) {
    problems.push(`${at()}: give exactly one of prompt or prompt_file`);
  }
  for (const k of task.pass_at ?? []) {
    if (k > task.repeats) problems.push(`${at("pass_at")}: pass@${k} needs at least ${k} samples per item (repeats: ${task.repeats})`);
  }
  if ((task.dataset === undefined) === (task.items === undefined)) {
    problems.push(`${at()}: give exactly one of dataset or items`);
  }
  let prompt = task.prompt ?? "";
  if (task.prompt_file !== undefined) {
    try {
      prompt = readFileSync(resolve(base, task.prompt_file), "utf8");
    } catch {
      problems.push(`${at("prompt_file")}: cannot read ${task.prompt_file}`);
    }
  }
  const byLikelihood = task.choices !== undefined || task.output_type === "loglikelihood";
  if (task.output_type === "loglikelihood" && (task.choices !== undefined || task.target === undefined)) {
    problems.push(`${at("output_type")}: a loglikelihood task scores its target as the continuation: give target, not choices`);
  }
  const strategiesOut = strategySpecs(task.strategies, (...p) => at(...p), problems, { multipleChoice: byLikelihood });
  const scorersOut = scorerSpecs(task.scorers, (...p) => at(...p), problems);
  const exemplars = task.exemplars;
  return {
    suite: suite.suite,
    id: task.id,
    description: task.description,
    prompt,
    system: task.system,
    target: task.target,
    references: task.references,
    choices: task.choices,
    outputType: task.output_type,
    dataset: task.dataset !== undefined ? resolve(base, task.dataset) : undefined,
    items: task.items,
    exemplars: typeof exemplars === "string" ? resolve(base, exemplars) : undefined,
    exemplarItems: Array.isArray(exemplars) ? exemplars : undefined,
    strategies: strategiesOut,
    scorers: scorersOut,
    tags: [...new Set([...suite.tags, ...task.tags])],
    generation: { ...suite.defaults?.generation, ...task.generation },
    repeats: task.repeats,
    passAt: task.pass_at,
    clusterField: task.cluster,
    location: at(),
    file,
    suiteVersion: String(suite.version),
    suiteDescription: suite.description,
  };
}

function issueMessage(issue: { message: string; code: string; keys?: string[] }): string {
  if (issue.code === "unrecognized_keys" && issue.keys) return `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
  return issue.message;
}

function formatPath(path: (string | number)[]): string {
  return path.reduce<string>((out, part) => (typeof part === "number" ? `${out}[${part}]` : out ? `${out}.${part}` : part), "");
}

/** The line of the deepest YAML node along `path` that exists. */
function lineOf(doc: Document, lineCounter: LineCounter, path: (string | number)[]): number {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === "object" && node.range) return lineCounter.linePos(node.range[0]).line;
  }
  return 1;
}
