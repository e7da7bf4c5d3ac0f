// The task registry: discovers suite files (YAML, or TypeScript modules using defineTask)
// and selects tasks by id, suite, glob or tag.
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { UserError, ValidationError, didYouMean } from "../errors.ts";
import { loadSuiteFile, shownPath } from "./load.ts";
import type { TaskDeclaration } from "./types.ts";

/** The suites bundled with assay (used when the working directory has no suites/). */
export const bundledSuitesDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "suites");

/** Where suites are looked for by default: ./suites under `cwd` when it exists, else the bundled suites. */
export function defaultSuitesDir(cwd = process.cwd()): string {
  const local = resolve(cwd, "suites");
  return existsSync(local) ? local : bundledSuitesDir;
}

/** All suite files under `dir` (any depth): *.yaml, *.yml, *.suite.ts; data/ folders skipped. */
export function findSuiteFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) {
        if (name !== "data" && name !== "node_modules" && !name.startsWith(".")) walk(full);
      } else if (/\.(ya?ml)$/.test(name) || name.endsWith(".suite.ts")) out.push(full);
    }
  };
  if (!existsSync(dir)) throw new UserError("suites directory not found", { location: dir, code: "E_SUITE" });
  walk(dir);
  return out;
}

/** A set of task declarations, checked for clashing suite and task ids. */
export class Registry {
  readonly tasks: TaskDeclaration[];

  constructor(tasks: TaskDeclaration[]) {
    const problems: string[] = [];
    const seen = new Map<string, string>();
    const suiteFiles = new Map<string, string>();
    for (const task of tasks) {
      const key = `${task.suite}/${task.id}`;
      if (seen.has(key)) problems.push(`${task.location}: duplicate task "${key}" (also ${seen.get(key)})`);
      seen.set(key, task.location);
      const file = task.file ?? "(code)";
      const other = suiteFiles.get(task.suite);
      if (other !== undefined && other !== file) problems.push(`${task.location}: suite "${task.suite}" is also declared in ${other}`);
      suiteFiles.set(task.suite, file);
    }
    if (problems.length) throw new ValidationError(problems);
    this.tasks = tasks;
  }

  /**
   * Tasks matching any selector: a task id, `suite/task`, a suite id, a glob over those
   * (`arith*`), or `tag:NAME`. No selectors selects every task. A selector that matches
   * nothing is an error naming the closest task.
   */
  select(selectors: string[]): TaskDeclaration[] {
    if (selectors.length === 0) return this.tasks;
    const chosen = new Set<TaskDeclaration>();
    for (const selector of selectors) {
      const matches = this.tasks.filter((task) => matchesSelector(task, selector));
      if (matches.length === 0) {
        const names = this.tasks.flatMap((t) => [t.id, t.suite, `${t.suite}/${t.id}`]);
        throw new UserError(`no task matches "${selector}"${didYouMean(selector, names)}`, { code: "E_SELECT" });
      }
      for (const m of matches) chosen.add(m);
    }
    return this.tasks.filter((t) => chosen.has(t));
  }
}

function matchesSelector(task: TaskDeclaration, selector: string): boolean {
  if (selector.startsWith("tag:")) return task.tags.includes(selector.slice(4));
  const names = [task.id, task.suite, `${task.suite}/${task.id}`];
  if (!/[*?]/.test(selector)) return names.includes(selector);
  const regex = new RegExp(`^${selector.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`);
  return names.some((n) => regex.test(n));
}

/** Load every suite under `dir` (YAML parsed and validated; data not yet read). Problems from all files are reported together. */
export async function loadRegistry(dir: string, cwd = process.cwd()): Promise<Registry> {
  const tasks: TaskDeclaration[] = [];
  const problems: string[] = [];
  for (const file of findSuiteFiles(resolve(cwd, dir))) {
    try {
      if (file.endsWith(".ts")) tasks.push(...(await loadCodeSuite(file, cwd)));
      else tasks.push(...loadSuiteFile(file, cwd));
    } catch (error) {
      if (error instanceof ValidationError) problems.push(...error.problems);
      else if (error instanceof UserError) problems.push(error.message);
      else throw error;
    }
  }
  if (problems.length) throw new ValidationError(problems);
  return new Registry(tasks);
}

async function loadCodeSuite(file: string, cwd: string): Promise<TaskDeclaration[]> {
  const module = (await import(pathToFileURL(file).href)) as { default?: unknown };
  const value = module.default;
  const list = Array.isArray(value) ? value : [value];
  if (!list.every((t) => t && typeof t === "object" && "suite" in t && "strategies" in t)) {
    throw new UserError("a .suite.ts file must default-export defineTask(...) or an array of them", { location: shownPath(file, cwd), code: "E_SUITE" });
  }
  return list as TaskDeclaration[];
}
