// Reads a task's data and checks every item against the task's templates, so a run
// never starts on data that would fail half-way.
import { ProblemList, UserError, ValidationError } from "../errors.ts";
import { goldChoice } from "../score/metrics/choice.ts";
import { compileTemplate, MissingVariableError, TemplateRenderError, type RenderFn } from "../template/env.ts";
import { printedFields, printProblem } from "../template/variables.ts";
import { createHash } from "node:crypto";
import { datasetItems, inlineItems, inlineItemsUnchecked, readDataset, type DatasetReadOptions } from "./data.ts";
import { DuplicateKeys } from "./item-keys.ts";
import type { FileStamp } from "./line-reader.ts";
import { checkFewShotPools } from "./few-shot-pool.ts";
import { shownPath } from "./load.ts";
import { templateProblem } from "./template-check.ts";
import type { Item, LoadedTask, TaskDeclaration } from "./types.ts";

/** A task's compiled templates: prompt, targets and (multiple-choice tasks) options. */
export interface TaskTemplates {
  renderPrompt: RenderFn;
  /** The references; for a choices task, the gold option's text. */
  targetsOf: (item: Item) => string[];
  /** A choices task's options for an item (empty for other tasks). */
  choicesOf: (item: Item) => string[];
}

/** Compile the task's prompt and target templates (a syntax error points at the template's line). */
export function taskTemplates(task: TaskDeclaration): TaskTemplates {
  for (const field of ["prompt", "target"] as const) {
    const source = task[field];
    if (source === undefined) continue;
    const problem = templateProblem(source, task.sources?.[field] ?? { file: task.location, field });
    if (problem) throw new UserError(problem, { code: "E_SUITE" });
  }
  const renderPrompt = compileTemplate(task.prompt);
  const renderTarget = task.target !== undefined ? compileTemplate(task.target) : undefined;
  const choicesOf = (item: Item): string[] => {
    if (task.choices === undefined) return [];
    if (Array.isArray(task.choices)) return task.choices;
    const value = item.fields[task.choices];
    if (!Array.isArray(value) || value.length < 2)
      throw new UserError(`field "${task.choices}" must be an array of at least two options`, { location: item.location, code: "E_DATA" });
    return value.map(String);
  };
  const targetsOf = (item: Item): string[] => {
    if (task.choices !== undefined) {
      const choices = choicesOf(item);
      const target = renderTarget ? renderTarget(item.fields) : "";
      const gold = goldChoice(target, choices);
      if (gold === null)
        throw new UserError(`target "${target}" is not one of the options (an option's text, its 0-based index, or its letter)`, {
          location: item.location,
          code: "E_DATA",
        });
      return [choices[gold]];
    }
    if (task.references !== undefined) {
      const refs = item.fields[task.references];
      if (!Array.isArray(refs))
        throw new UserError(`field "${task.references}" must be an array of references`, { location: item.location, code: "E_DATA" });
      return refs.map(String);
    }
    return renderTarget ? [renderTarget(item.fields)] : [];
  };
  return { renderPrompt, targetsOf, choicesOf };
}

/** Options of prepareTask. */
export interface PrepareOptions {
  /** Only the first N items run (all are still validated). */
  limit?: number;
}

/**
 * Validate a task's data in one streaming pass, without keeping its items: every item is
 * read, rendered with every template and checked (printed fields, exemplar overlap, few-shot
 * groups, ids), and hashed. The loaded task reads its items again when a run plans them
 * (`readItems`), refusing a data file that changed in between. Exemplars are kept in memory.
 */
export function prepareTask(task: TaskDeclaration, cwd = process.cwd(), options: PrepareOptions = {}): LoadedTask {
  const templates = taskTemplates(task);
  const loadedExemplars =
    task.exemplars !== undefined
      ? readDataset(task.exemplars, shownPath(task.exemplars, cwd))
      : task.exemplarItems !== undefined
        ? inlineItems(task.exemplarItems, `${task.location} exemplars`)
        : [];
  const problems = new ProblemList();
  // Printed fields are checked before rendering: handlebars would print an object as
  // "[object Object]", and treats inherited names (`constructor`) as defined.
  const printed = [...printedFields(task.prompt), ...(task.target !== undefined ? printedFields(task.target) : [])];
  /** Rendered exemplar prompts: an eval item rendering to one of them is in the few-shot pool too. */
  const exemplarPrompts = new Map<string, string>();
  const check = (item: Item, isExemplar: boolean) => {
    for (const field of printed) {
      const problem = printProblem(item.fields, field);
      if (problem) {
        problems.add(`${item.location}: ${problem}`);
        return;
      }
    }
    try {
      const prompt = templates.renderPrompt(item.fields);
      const targets = templates.targetsOf(item);
      if (isExemplar) exemplarPrompts.set(prompt, item.location);
      else {
        const clash = exemplarPrompts.get(prompt);
        if (clash)
          problems.add(`${clash}: exemplar is also an eval item (${item.location}); the few-shot pool must not overlap the eval items`);
        if (targets.length === 0 && task.target !== undefined) problems.add(`${item.location}: no reference`);
      }
    } catch (error) {
      if (error instanceof MissingVariableError) {
        problems.add(
          `${item.location}: template variable "${error.variable}" is not a field of this item (fields: ${Object.keys(item.fields).join(", ")})`,
        );
      } else if (error instanceof TemplateRenderError) problems.add(`${item.location}: ${error.message}`);
      else if (error instanceof UserError) problems.add(error.message);
      else throw error;
    }
  };
  for (const item of loadedExemplars) check(item, true);
  if (task.exemplars !== undefined && task.dataset !== undefined && task.exemplars === task.dataset) {
    problems.add(`${task.location}: exemplars and dataset are the same file; the few-shot pool must not overlap the eval items`);
  }
  const checkGroup = checkFewShotPools(task, loadedExemplars, problems);
  const source = itemSource(task, cwd);
  const keys = new DuplicateKeys();
  const hash = createHash("sha256");
  let count = 0;
  let stamp: FileStamp | undefined;
  for (const item of source({ problems, onStamp: (s) => (stamp = s) })) {
    if (task.clusterField && item.fields[task.clusterField] === undefined)
      problems.add(`${item.location}: missing cluster field "${task.clusterField}"`);
    keys.add(item.key);
    check(item, false);
    checkGroup?.(item);
    if (options.limit === undefined || count < options.limit) hash.update(JSON.stringify([item.key, item.fields]));
    count++;
  }
  for (const problem of keys.problems(() => source({ problems: new ProblemList() }))) problems.add(problem);
  if (count === 0) problems.add(`${task.location}: the dataset has no items`);
  problems.throwIfAny();
  const limit = options.limit;
  const readItems = function* (): Generator<Item> {
    let n = 0;
    for (const item of source({ expect: stamp })) {
      if (limit !== undefined && n >= limit) return;
      n++;
      if (task.clusterField) item.cluster = String(item.fields[task.clusterField]);
      yield item;
    }
  };
  return {
    ...task,
    itemCount: limit === undefined ? count : Math.min(count, limit),
    itemsSha256: hash.digest("hex"),
    readItems,
    loadedExemplars,
  };
}

/** Where a task's items come from: its dataset file (read lazily) or its inline rows. */
function itemSource(task: TaskDeclaration, cwd: string): (options: DatasetReadOptions) => Iterable<Item> {
  if (task.dataset !== undefined) {
    const path = task.dataset;
    const shown = shownPath(path, cwd);
    return (options) => datasetItems(path, shown, options);
  }
  let items: Item[] | undefined;
  return (options) => {
    if (!items) {
      // Inline rows are in memory anyway; they are validated once, with the rest of the task.
      try {
        items = inlineItemsUnchecked(task.items ?? [], `${task.location} items`);
      } catch (error) {
        if (!(error instanceof ValidationError) || !options.problems) throw error;
        for (const problem of error.problems) options.problems.add(problem);
        return [];
      }
    }
    return items;
  };
}

/** Prepare several tasks, reporting the problems of all of them together. */
export function prepareTasks(tasks: TaskDeclaration[], cwd = process.cwd(), options: PrepareOptions = {}): LoadedTask[] {
  const loaded: LoadedTask[] = [];
  const problems: string[] = [];
  for (const task of tasks) {
    try {
      loaded.push(prepareTask(task, cwd, options));
    } catch (error) {
      if (error instanceof ValidationError) problems.push(...error.problems);
      else if (error instanceof UserError) problems.push(error.message);
      else throw error;
    }
  }
  if (problems.length) throw new ValidationError(problems);
  return loaded;
}
