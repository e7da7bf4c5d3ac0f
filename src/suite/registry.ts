// The task registry: discovers suite files (YAML, or TypeScript modules using defineTask),
// keeps each broken file's problems apart, and selects tasks by id, suite, glob or tag.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { UserError, ValidationError, didYouMean } from "../errors.ts";
import { loadCodeSuite } from "./code-suite.ts";
import { findSuiteFiles } from "./discover.ts";
import { loadSuiteFile, selectableNames, shownPath } from "./load.ts";
import { SuiteFileError, type SelectableNames } from "./problems.ts";
import type { TaskDeclaration } from "./types.ts";
import { packagePath } from "../package-paths.ts";

/** The suites bundled with assay (used when the working directory has no suites/). */
export const bundledSuitesDir = packagePath("suites");

/** Where suites are looked for by default: ./suites under `cwd` when it exists, else the bundled suites. */
export function defaultSuitesDir(cwd = process.cwd()): string {
  const local = resolve(cwd, "suites");
  return existsSync(local) ? local : bundledSuitesDir;
}

export { findSuiteFiles } from "./discover.ts";

/** A suite file that could not be loaded: its problems, and the names a selector could pick it by. */
export interface BrokenSuiteFile extends SelectableNames {
  /** The file as messages show it. */
  file: string;
  /** Every problem found in it, each located. */
  problems: string[];
}

/** What a list of selectors picks: the tasks, the problems that stop a run, and those that only warn. */
export interface Selection {
  tasks: TaskDeclaration[];
  /** Problems of broken files the selectors could have meant (every broken file when nothing is selected). */
  errors: string[];
  /** Problems of the other broken files, and skipped entries: print them, run anyway. */
  warnings: string[];
}

/** A set of task declarations, checked for clashing suite and task ids, and the suite files that failed to load. */
export class Registry {
  readonly tasks: TaskDeclaration[];
  /** Suite files whose tasks are left out because the file has problems. */
  readonly broken: BrokenSuiteFile[];
  /** Entries under the suites directory that were skipped (link loops, dangling links); never block a run. */
  readonly skipped: string[];

  constructor(tasks: TaskDeclaration[], options: { broken?: BrokenSuiteFile[]; skipped?: string[] } = {}) {
    const problems = clashes([], tasks);
    if (problems.length) throw new ValidationError(problems);
    this.tasks = tasks;
    this.broken = options.broken ?? [];
    this.skipped = options.skipped ?? [];
  }

  /**
   * Decide what `selectors` select (a task id, `suite/task`, a suite id, a glob over those
   * such as `arith*`, or `tag:NAME`; none selects everything). A broken file whose names
   * or tags a selector could match makes its problems errors; the other broken files only
   * warn. A selector that matches neither a task nor a broken file is a UserError naming
   * the closest task. No selectors select every task but those of `explicit` suites.
   */
  resolve(selectors: string[]): Selection {
    const blocking = new Set(selectors.length === 0 ? this.broken : this.broken.filter((b) => selectors.some((s) => couldSelect(b, s))));
    const chosen = new Set<TaskDeclaration>();
    for (const selector of selectors) {
      const matches = this.tasks.filter((task) => matchesSelector(task, selector));
      if (matches.length === 0 && !this.broken.some((b) => couldSelect(b, selector))) {
        const names = this.tasks.flatMap((t) => [t.id, t.suite, `${t.suite}/${t.id}`]);
        throw new UserError(`no task matches "${selector}"${didYouMean(selector, names)}`, { code: "E_SELECT" });
      }
      for (const m of matches) chosen.add(m);
    }
    return {
      // A suite marked `explicit` (it needs a judge model or a replay file) runs only when named.
      tasks: selectors.length === 0 ? this.tasks.filter((t) => !t.explicit) : this.tasks.filter((t) => chosen.has(t)),
      errors: this.broken.filter((b) => blocking.has(b)).flatMap((b) => b.problems),
      warnings: [...this.broken.filter((b) => !blocking.has(b)).flatMap((b) => b.problems), ...this.skipped],
    };
  }

  /** The selected tasks; throws a ValidationError with the problems of every broken file the selectors could mean. */
  select(selectors: string[]): TaskDeclaration[] {
    const { tasks, errors } = this.resolve(selectors);
    if (errors.length) throw new ValidationError(errors);
    return tasks;
  }

  /** What to print as warnings when running `selectors`: other broken files' problems and skipped entries. */
  warnings(selectors: string[]): string[] {
    return this.resolve(selectors).warnings;
  }
}

function matchesName(selector: string, names: string[]): boolean {
  if (!/[*?]/.test(selector)) return names.includes(selector);
  const regex = new RegExp(
    `^${selector
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
  );
  return names.some((n) => regex.test(n));
}

function matchesSelector(task: TaskDeclaration, selector: string): boolean {
  if (selector.startsWith("tag:")) return task.tags.includes(selector.slice(4));
  return matchesName(selector, [task.id, task.suite, `${task.suite}/${task.id}`]);
}

/** Whether a selector could have meant a broken file's tasks (unknown tags could be any). */
function couldSelect(file: BrokenSuiteFile, selector: string): boolean {
  if (selector.startsWith("tag:")) return file.tags === null || file.tags.includes(selector.slice(4));
  return matchesName(selector, file.names);
}

/** Problems of `tasks` against those already `accepted`: the same suite/task twice, one suite in two files. */
function clashes(accepted: TaskDeclaration[], tasks: TaskDeclaration[]): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  const suiteFiles = new Map<string, string>();
  for (const task of [...accepted, ...tasks]) {
    const key = `${task.suite}/${task.id}`;
    if (seen.has(key)) problems.push(`${task.location}: duplicate task "${key}" (also ${seen.get(key)})`);
    seen.set(key, task.location);
    const file = task.file ?? "(code)";
    const other = suiteFiles.get(task.suite);
    if (other !== undefined && other !== file) problems.push(`${task.location}: suite "${task.suite}" is also declared in ${other}`);
    suiteFiles.set(task.suite, file);
  }
  return problems;
}

/**
 * Load every suite under `dir` (YAML parsed and validated; data not yet read). A file with
 * problems does not stop the others: its tasks are left out and it is listed in `broken`;
 * `select` decides whether the problems stop a run. Only a missing suites directory throws.
 */
export async function loadRegistry(dir: string, cwd = process.cwd()): Promise<Registry> {
  const tasks: TaskDeclaration[] = [];
  const broken: BrokenSuiteFile[] = [];
  const { files, skipped } = findSuiteFiles(resolve(cwd, dir), (p) => shownPath(p, cwd));
  for (const file of files) {
    try {
      const declared = file.endsWith(".ts") ? await loadCodeSuite(file, cwd) : loadSuiteFile(file, cwd);
      // The accepted tasks never clash among themselves, so every clash is this file's.
      const problems = clashes(tasks, declared);
      if (problems.length) throw new SuiteFileError(problems, shownPath(file, cwd), namesOf(file, declared));
      tasks.push(...declared);
    } catch (error) {
      if (error instanceof SuiteFileError)
        broken.push({ file: error.file, problems: error.problems, names: error.selectable.names, tags: error.selectable.tags });
      else if (error instanceof UserError) broken.push({ file: shownPath(file, cwd), problems: [error.message], ...selectableNames(file) });
      else throw error;
    }
  }
  return new Registry(tasks, { broken, skipped });
}

function namesOf(file: string, tasks: TaskDeclaration[]): SelectableNames {
  const { names } = selectableNames(file);
  for (const t of tasks) names.push(t.suite, t.id, `${t.suite}/${t.id}`);
  return { names: [...new Set(names)], tags: [...new Set(tasks.flatMap((t) => t.tags))] };
}
