// Parses a suite YAML file into task declarations; every problem is reported with
// file:line and the field path, all at once.
import { basename, dirname, relative, resolve } from "node:path";
import { isCollection, isMap, isPair, isScalar, LineCounter, parseDocument, visit, type Document, type Scalar } from "yaml";
import type { z } from "zod";
import { didYouMean, UserError } from "../errors.ts";
import { readTextFile } from "../text-file.ts";
import { checkSelectors, pairwiseSpec, scorerSpecs, strategySpecs } from "./entries.ts";
import { SuiteFileError, type SelectableNames } from "./problems.ts";
import { generationSchema, suiteSchema, taskSchema, type SuiteFile, type TaskEntry } from "./schema.ts";
import { templateProblem } from "./template-check.ts";
import type { TaskDeclaration, TemplateSource } from "./types.ts";

/** Paths in messages are shown relative to the working directory. */
export function shownPath(path: string, cwd = process.cwd()): string {
  const rel = relative(cwd, path);
  return rel.startsWith("..") ? path : rel;
}

/** A parsed suite file, for locating its fields. */
interface SuiteDoc {
  doc: Document;
  lines: LineCounter;
  shown: string;
}

/**
 * Parse and validate one suite file into its task declarations (data files are not read
 * yet). Throws a SuiteFileError listing every problem, with the names the file's tasks
 * could be selected by.
 */
export function loadSuiteFile(path: string, cwd = process.cwd()): TaskDeclaration[] {
  const shown = shownPath(path, cwd);
  let text: string;
  try {
    text = readTextFile(path, shown, { what: "suite", code: "E_SUITE" });
  } catch (error) {
    if (error instanceof UserError) throw new SuiteFileError([error.message], shown, selectableNames(path));
    throw error;
  }
  const lines = new LineCounter();
  // logLevel "error": yaml's own warnings would go to stderr; they are reported below instead.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, logLevel: "error" });
  const fail = (problems: string[]) => new SuiteFileError(problems, shown, selectableNames(path, doc));
  const suiteDoc: SuiteDoc = { doc, lines, shown };
  const syntax = yamlProblems(suiteDoc, text);
  if (syntax.length) throw fail(syntax);
  const where = (path: (string | number)[]) => `${shown}:${lineOf(suiteDoc, path)} ${formatPath(path)}`;
  const parsed = suiteSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    throw fail(
      parsed.error.issues.map(
        (issue) => `${where(issue.path as (string | number)[])}: ${issueMessage(issue, issue.path as (string | number)[])}`,
      ),
    );
  }
  const suite = parsed.data;
  const problems: string[] = [];
  const seen = new Map<string, number>();
  const tasks: TaskDeclaration[] = [];
  suite.tasks.forEach((task, t) => {
    if (seen.has(task.id)) problems.push(`${where(["tasks", t, "id"])}: duplicate task id "${task.id}" (also tasks[${seen.get(task.id)}])`);
    seen.set(task.id, t);
    tasks.push(declareTask(suite, task, t, path, suiteDoc, where, problems, cwd));
  });
  if (problems.length) throw fail(problems);
  return tasks;
}

/** YAML errors and warnings, and mappings used as keys (an unquoted `{{field}}` is one). */
function yamlProblems({ doc, lines, shown }: SuiteDoc, text: string): string[] {
  const found: { offset: number; message: string }[] = [...doc.errors, ...doc.warnings].map((e) => ({
    offset: e.pos[0],
    message: e.message.split("\n")[0],
  }));
  visit(doc, {
    Pair(_, pair, path) {
      if (!isCollection(pair.key) || !pair.key.range) return;
      const parent = path[path.length - 1] as { range?: [number, number, number] };
      const span = parent.range ? text.slice(parent.range[0], parent.range[1]).trim() : "";
      found.push({
        offset: pair.key.range[0],
        message: `${span.length > 60 ? `${span.slice(0, 60)}...` : span} is read as a YAML mapping, not text`,
      });
    },
  });
  return found
    .sort((a, b) => a.offset - b.offset)
    .map(({ offset, message }) => {
      const { line } = lines.linePos(offset);
      const source = text.split("\n")[line - 1] ?? "";
      // `prompt: {{q}}` is YAML's flow mapping: the usual cause of these errors in a suite.
      const hint = /:\s+\{\{/.test(source) ? '; quote a value that starts with "{{", e.g. prompt: "{{question}}"' : "";
      return `${shown}:${line}: ${message}${hint}`;
    });
}

function declareTask(
  suite: SuiteFile,
  task: TaskEntry,
  t: number,
  file: string,
  suiteDoc: SuiteDoc,
  where: (path: (string | number)[]) => string,
  problems: string[],
  cwd: string,
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
  let promptSource = templateSource(suiteDoc, ["tasks", t, "prompt"]);
  if (task.prompt_file !== undefined) {
    const promptPath = resolve(base, task.prompt_file);
    const shown = shownPath(promptPath, cwd);
    try {
      prompt = readTextFile(promptPath, shown, { what: "prompt file", code: "E_SUITE" });
      promptSource = { file: shown, firstLine: 1 };
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      problems.push(`${at("prompt_file")}: ${error.message}`);
    }
  }
  const targetSource = templateSource(suiteDoc, ["tasks", t, "target"]);
  for (const [template, source] of [
    [prompt, promptSource],
    [task.target, targetSource],
  ] as const) {
    const problem = template === undefined ? null : templateProblem(template, source);
    if (problem) problems.push(problem);
  }
  const byLikelihood = task.choices !== undefined || task.output_type === "loglikelihood";
  if (task.output_type === "loglikelihood" && (task.choices !== undefined || task.target === undefined)) {
    problems.push(`${at("output_type")}: a loglikelihood task scores its target as the continuation: give target, not choices`);
  }
  const strategiesOut = strategySpecs(task.strategies, (...p) => at(...p), problems, { multipleChoice: byLikelihood });
  const scorersOut = scorerSpecs(task.scorers, (...p) => at(...p), problems, base);
  const pairwise = pairwiseSpec(task.pairwise, scorersOut, (...p) => at(...p), problems, base);
  checkSelectors(strategiesOut, scorersOut, (...p) => at(...p), problems);
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
    pairwise,
    tags: [...new Set([...suite.tags, ...task.tags])],
    generation: { ...suite.defaults?.generation, ...task.generation },
    repeats: task.repeats,
    passAt: task.pass_at,
    clusterField: task.cluster,
    location: at(),
    file,
    suiteVersion: String(suite.version),
    suiteDescription: suite.description,
    ...(suite.explicit ? { explicit: true } : {}),
    sources: {
      prompt: promptSource,
      target: task.target === undefined ? undefined : targetSource,
      strategies: strategiesOut.map((_, s) => at("strategies", s)),
    },
  };
}

/** Where a template field's text is: its line, and the line of its first line when they map one to one. */
function templateSource(suiteDoc: SuiteDoc, path: (string | number)[]): TemplateSource {
  const line = lineOf(suiteDoc, path);
  const node = suiteDoc.doc.getIn(path, true);
  let firstLine: number | undefined;
  if (isScalar(node) && typeof node.value === "string") {
    // A literal block (`|`) keeps every line, starting on the line after its indicator.
    if ((node as Scalar).type === "BLOCK_LITERAL") firstLine = line + 1;
    else if (!node.value.includes("\n")) firstLine = line;
  }
  return { file: suiteDoc.shown, field: formatPath(path), line, firstLine };
}

/** The names a selector could pick the file's tasks by, from whatever of it parsed. */
export function selectableNames(path: string, doc?: Document): SelectableNames {
  const names = new Set([basename(path).replace(/(\.suite\.ts|\.ya?ml)$/, "")]);
  let tags: string[] | null = null;
  let js: unknown;
  try {
    js = doc?.toJS();
  } catch {
    js = undefined;
  }
  if (isRecord(js)) {
    const suite = typeof js.suite === "string" ? js.suite : undefined;
    if (suite) names.add(suite);
    // After a syntax error the task list may be cut short: any tag could be in the rest.
    if (Array.isArray(js.tasks) && js.tasks.every(isRecord) && doc?.errors.length === 0) {
      tags = strings(js.tags);
      for (const task of js.tasks) {
        if (typeof task.id === "string") {
          names.add(task.id);
          if (suite) names.add(`${suite}/${task.id}`);
        }
        tags.push(...strings(task.tags));
      }
    }
  }
  return { names: [...names], tags };
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((x): x is string => typeof x === "string") : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function issueMessage(issue: { message: string; code: string; keys?: string[] }, path: (string | number)[]): string {
  if (issue.code === "unrecognized_keys" && issue.keys) {
    const known = knownFields(path);
    const suggestions = issue.keys.map((k) => didYouMean(k, known)).filter(Boolean);
    return `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}${issue.keys.length === 1 ? suggestions.join("") : ""}`;
  }
  return issue.message;
}

/** The field names allowed in the object at `path` of a suite file, for did-you-mean. */
function knownFields(path: (string | number)[]): string[] {
  const last = path[path.length - 1];
  const shape = (schema: z.ZodObject) => Object.keys(schema.shape);
  if (path.length === 0) return shape(suiteSchema);
  if (typeof last === "number" && path[path.length - 2] === "tasks") return shape(taskSchema);
  if (last === "generation") return shape(generationSchema);
  if (last === "defaults") return ["generation"];
  return [];
}

function formatPath(path: (string | number)[]): string {
  return path.reduce<string>((out, part) => (typeof part === "number" ? `${out}[${part}]` : out ? `${out}.${part}` : part), "");
}

/** The line of the deepest YAML node along `path` that exists (a key's line when its value is empty). */
function lineOf({ doc, lines }: SuiteDoc, path: (string | number)[]): number {
  for (let n = path.length; n >= 0; n--) {
    const node = (n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true)) as { range?: [number, number, number] } | null | undefined;
    if (node && typeof node === "object" && node.range) return lines.linePos(node.range[0]).line;
    const parent = n <= 1 ? doc.contents : doc.getIn(path.slice(0, n - 1), true);
    if (n > 0 && isMap(parent)) {
      const pair = parent.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === path[n - 1]);
      if (pair && isScalar(pair.key) && pair.key.range) return lines.linePos(pair.key.range[0]).line;
    }
  }
  return 1;
}
