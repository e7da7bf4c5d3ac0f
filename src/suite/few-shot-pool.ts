// Checks that each few-shot strategy of a task can be applied as written: enough exemplars
// for k (per `match` group), the rationale field on every exemplar, an answer to show.
import type { ProblemList } from "../errors.ts";
import type { Item, TaskDeclaration } from "./types.ts";

/**
 * Add a problem for every few-shot setting the pool cannot honour, instead of a run that
 * silently shows fewer demonstrations or drops the rationale while recording the settings.
 * Returns the check each eval item must pass (a `match` field whose group is large enough),
 * for the pass that streams the items, or undefined when there is none.
 */
export function checkFewShotPools(task: TaskDeclaration, exemplars: Item[], problems: ProblemList): ((item: Item) => void) | undefined {
  const itemChecks: ((item: Item) => void)[] = [];
  task.strategies.forEach(({ kind, label, options }, s) => {
    const k = Number(options.k);
    if (kind !== "few-shot" || !(k > 0)) return;
    const where = task.sources?.strategies?.[s] ?? task.location;
    if (exemplars.length === 0) {
      problems.add(`${where}: strategy "${label}" needs an exemplar pool (exemplars:)`);
      return;
    }
    if (task.target === undefined && task.references === undefined && task.choices === undefined) {
      problems.add(`${where}: strategy "${label}" shows each exemplar's answer, but the task has no target`);
    }
    if (typeof options.match === "string") itemChecks.push(matchedPoolCheck(label, options.match, k, exemplars, problems));
    else if (exemplars.length < k) {
      problems.add(
        `${where}: strategy "${label}" shows k = ${k} exemplars, but the pool has ${exemplars.length}; lower k or add exemplars`,
      );
    }
    if (typeof options.rationale === "string") checkRationales(label, options.rationale, exemplars, problems);
  });
  return itemChecks.length
    ? (item) => {
        for (const check of itemChecks) check(item);
      }
    : undefined;
}

/** few-shot with `match: FIELD`: every item has the field and k exemplars share its value. */
function matchedPoolCheck(label: string, field: string, k: number, exemplars: Item[], problems: ProblemList): (item: Item) => void {
  const counts = new Map<string, number>();
  for (const exemplar of exemplars) {
    const value = exemplar.fields[field];
    if (value !== undefined) counts.set(String(value), (counts.get(String(value)) ?? 0) + 1);
  }
  return (item) => {
    const value = item.fields[field];
    const have = value === undefined ? 0 : (counts.get(String(value)) ?? 0);
    if (value === undefined) problems.add(`${item.location}: strategy "${label}" matches exemplars on "${field}", which this item lacks`);
    else if (have < k)
      problems.add(
        `${item.location}: strategy "${label}" needs ${k} exemplars with ${field} = ${JSON.stringify(value)}; the pool has ${have}`,
      );
  };
}

/** `rationale: FIELD`: every exemplar has it as text (the template would otherwise fall back to the plain format). */
function checkRationales(label: string, field: string, exemplars: Item[], problems: ProblemList): void {
  for (const exemplar of exemplars) {
    const value = exemplar.fields[field];
    if (value === undefined || value === null || value === "") {
      problems.add(`${exemplar.location}: strategy "${label}" shows the rationale field "${field}", which this exemplar lacks`);
    } else if (typeof value !== "string" && typeof value !== "number") {
      problems.add(
        `${exemplar.location}: rationale field "${field}" of strategy "${label}" must be text, not ${Array.isArray(value) ? "a list" : typeof value}`,
      );
    }
  }
}
