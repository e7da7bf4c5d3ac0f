// Reads a task's data and checks every item against the task's templates, so a run
// never starts on data that would fail half-way.
import { UserError, ValidationError } from "../errors.ts";
import { compileTemplate, MissingVariableError, templateSyntaxError, type RenderFn } from "../template/env.ts";
import { goldChoice } from "../score/metrics/choice.ts";
import { inlineItems, readDataset } from "./data.ts";
import { shownPath } from "./load.ts";
import type { Item, LoadedTask, TaskDeclaration } from "./types.ts";

/** A task's compiled templates: prompt, targets and (multiple-choice tasks) options. */
export interface TaskTemplates {
  renderPrompt: RenderFn;
  /** The references; for a choices task, the gold option's text. */
  targetsOf: (item: Item) => string[];
  /** A choices task's options for an item (empty for other tasks). */
  choicesOf: (item: Item) => string[];
}

/** Compile the task's prompt and target templates (syntax errors name the task). */
export function taskTemplates(task: TaskDeclaration): TaskTemplates {
  for (const [field, source] of [["prompt", task.prompt], ["target", task.target]] as const) {
    if (source === undefined) continue;
    const problem = templateSyntaxError(source);
    if (problem) throw new UserError(`${field}: template syntax error: ${problem}`, { location: task.location, code: "E_SUITE" });
  }
  const renderPrompt = compileTemplate(task.prompt);
  const renderTarget = task.target !== undefined ? compileTemplate(task.target) : undefined;
  const choicesOf = (item: Item): string[] => {
    if (task.choices === undefined) return [];
    if (Array.isArray(task.choices)) return task.choices;
    const value = item.fields[task.choices];
    if (!Array.isArray(value) || value.length < 2) throw new UserError(`field "${task.choices}" must be an array of at least two options`, { location: item.location, code: "E_DATA" });
    return value.map(String);
  };
  const targetsOf = (item: Item): string[] => {
    if (task.choices !== undefined) {
      const choices = choicesOf(item);
      const target = renderTarget ? renderTarget(item.fields) : "";
      const gold = goldChoice(target, choices);
      if (gold === null) throw new UserError(`target "${target}" is not one of the options (an option's text, its 0-based index, or its letter)`, { location: item.location, code: "E_DATA" });
      return [choices[gold]];
    }
    if (task.references !== undefined) {
      const refs = item.fields[task.references];
      if (!Array.isArray(refs)) throw new UserError(`field "${task.references}" must be an array of references`, { location: item.location, code: "E_DATA" });
      return refs.map(String);
    }
    return renderTarget ? [renderTarget(item.fields)] : [];
  };
  return { renderPrompt, targetsOf, choicesOf };
}

/** few-shot with `match: FIELD`: every item has the field and k exemplars share its value. */
function checkMatchedPool(label: string, field: string, k: number, items: Item[], exemplars: Item[], problems: string[]): void {
  const counts = new Map<string, number>();
  for (const exemplar of exemplars) {
    const value = exemplar.fields[field];
    if (value !== undefined) counts.set(String(value), (counts.get(String(value)) ?? 0) + 1);
  }
  for (const item of items) {
    if (problems.length >= 20) return;
    const value = item.fields[field];
    const have = value === undefined ? 0 : (counts.get(String(value)) ?? 0);
    if (value === undefined) problems.push(`${item.location}: strategy "${label}" matches exemplars on "${field}", which this item lacks`);
    else if (have < k) problems.push(`${item.location}: strategy "${label}" needs ${k} exemplars with ${field} = ${JSON.stringify(value)}; the pool has ${have}`);
  }
}

/** Read the task's items and exemplars, render every template once, and check the exemplar pool. */
export function prepareTask(task: TaskDeclaration, cwd = process.cwd()): LoadedTask {
  const templates = taskTemplates(task);
  const loadedItems = task.dataset !== undefined ? readDataset(task.dataset, shownPath(task.dataset, cwd)) : inlineItems(task.items ?? [], `${task.location} items`);
  const loadedExemplars =
    task.exemplars !== undefined
      ? readDataset(task.exemplars, shownPath(task.exemplars, cwd))
      : task.exemplarItems !== undefined
        ? inlineItems(task.exemplarItems, `${task.location} exemplars`)
        : [];
  if (task.clusterField) {
    for (const item of loadedItems) {
      const value = item.fields[task.clusterField];
      if (value === undefined) throw new UserError(`missing cluster field "${task.clusterField}"`, { location: item.location, code: "E_DATA" });
      item.cluster = String(value);
    }
  }
  const problems: string[] = [];
  // Rendered eval prompts, kept only when there is an exemplar pool to check against.
  const promptsSeen = new Map<string, string>();
  const checkOverlap = loadedExemplars.length > 0;
  const check = (item: Item, isExemplar: boolean) => {
    try {
      const prompt = templates.renderPrompt(item.fields);
      const targets = templates.targetsOf(item);
      if (isExemplar) {
        const clash = promptsSeen.get(prompt);
        if (clash) problems.push(`${item.location}: exemplar is also an eval item (${clash}); the few-shot pool must not overlap the eval items`);
      } else if (checkOverlap) promptsSeen.set(prompt, item.location);
      if (!isExemplar && targets.length === 0 && task.target !== undefined) problems.push(`${item.location}: no reference`);
    } catch (error) {
      if (error instanceof MissingVariableError) {
        problems.push(`${item.location}: template variable "${error.variable}" is not a field of this item (fields: ${Object.keys(item.fields).join(", ")})`);
      } else if (error instanceof UserError) problems.push(error.message);
      else throw error;
    }
  };
  for (const item of loadedItems) {
    check(item, false);
    if (problems.length >= 20) break;
  }
  for (const item of loadedExemplars) {
    check(item, true);
    if (problems.length >= 20) break;
  }
  if (task.exemplars !== undefined && task.dataset !== undefined && task.exemplars === task.dataset) {
    problems.push(`${task.location}: exemplars and dataset are the same file; the few-shot pool must not overlap the eval items`);
  }
  // Strategy options already carry their defaults (entries.ts): `{ name: few-shot }` has k = 3.
  const fewShots = task.strategies.filter((s) => s.kind === "few-shot" && Number(s.options.k) > 0);
  if (fewShots.length && loadedExemplars.length === 0) {
    problems.push(`${task.location}: strategy "${fewShots[0].label}" needs an exemplar pool (exemplars:)`);
  } else {
    for (const { label, options } of fewShots) {
      if (typeof options.match === "string") checkMatchedPool(label, options.match, Number(options.k), loadedItems, loadedExemplars, problems);
    }
  }
  if (loadedItems.length === 0) problems.push(`${task.location}: the dataset has no items`);
  if (problems.length) throw new ValidationError(problems);
  return { ...task, loadedItems, loadedExemplars };
}
