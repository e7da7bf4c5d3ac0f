// replay:FILE.jsonl: serves outputs recorded elsewhere (production logs, another tool),
// one {"task", "item", "strategy"?, "output"} object a line, so they can be scored and stored.
// Conflicting lines are refused up front; lines no trial used are reported after the run.
import { resolve } from "node:path";
import { ProblemList, ProviderError, UserError } from "../errors.ts";
import { readTextFile } from "../text-file.ts";
import type { CallContext, Provider, ProviderFactory } from "./types.ts";

/** One recorded output and its line. */
interface RecordedLine {
  line: number;
  task: string;
  item: string;
  strategy?: string;
  output: string;
  used: boolean;
}

/** The lines recorded for one task (as the file names it) and item. */
interface ItemLines {
  exact: Map<string, RecordedLine[]>;
  anyStrategy?: RecordedLine[];
  called: boolean;
  strategiesCalled: Set<string>;
}

/** The replay provider: a Provider that can also say which recorded lines no trial used. */
export interface ReplayProvider extends Provider {
  /**
   * Notes on recorded lines that no call used, grouped by reason and capped, e.g.
   * `replay out.jsonl:4, 9: task "foo" is not in this run`. Meaningful after a complete run:
   * after an interrupted or resumed run (trials already stored never call) or with `--limit`,
   * lines are unused by design. Empty when every line served a trial.
   */
  unusedLines(): string[];
}

/** Whether a provider is a replay provider (to print its unused lines after a run). */
export function isReplayProvider(provider: Provider): provider is ReplayProvider {
  return typeof (provider as Partial<ReplayProvider>).unusedLines === "function";
}

const MAX_NOTES = 10;

/** `replay:FILE`: looks each trial's output up by task, item and (optionally) strategy. */
export const replayProvider: ProviderFactory = ({ target, cwd }) => {
  if (!target) throw new UserError("replay needs a file: --model replay:outputs.jsonl", { code: "E_MODEL" });
  const text = readTextFile(resolve(cwd, target), target, { what: "replay file", code: "E_MODEL" });
  const byItem = parseReplay(text, target);
  const tasksCalled = new Set<string>();
  const lookup = (context: CallContext): RecordedLine[] | undefined => {
    // context.task is "suite/task"; recorded lines may name either form.
    const names = [context.task, context.task.slice(context.task.indexOf("/") + 1)];
    let found: RecordedLine[] | undefined;
    for (const name of names) {
      tasksCalled.add(name);
      const group = byItem.get(`${name}\u0000${context.item}`);
      if (!group) continue;
      group.called = true;
      group.strategiesCalled.add(context.strategy);
      found ??= group.exact.get(context.strategy) ?? group.anyStrategy;
    }
    return found;
  };
  const provider: ReplayProvider = {
    id: `replay:${target}`,
    concurrency: 64,
    cacheable: false,
    retries: 0,
    async generate(_prompt, _params, context) {
      const lines = lookup(context);
      if (!lines) {
        const task = context.task.slice(context.task.indexOf("/") + 1);
        throw new ProviderError(
          `replay ${target}: no recorded output for task "${task}", item "${context.item}", strategy "${context.strategy}"`,
        );
      }
      for (const line of lines) line.used = true;
      return { text: lines[0].output, finishReason: "stop", latencyMs: 0 };
    },
    unusedLines: () => unusedNotes(byItem, tasksCalled, target),
  };
  return provider;
};

/** Parse and check every line: all bad lines (up to 20) and every conflict are reported together. */
function parseReplay(text: string, shown: string): Map<string, ItemLines> {
  const byItem = new Map<string, ItemLines>();
  const problems = new ProblemList();
  const problem = (message: string) => problems.add(message);
  text.split("\n").forEach((raw, i) => {
    const trimmed = raw.trim();
    if (!trimmed) return;
    const where = `${shown}:${i + 1}`;
    let row: unknown;
    try {
      row = JSON.parse(trimmed);
    } catch (error) {
      problem(`${where}: ${(error as Error).message}`);
      return;
    }
    const bad = rowProblem(row);
    if (bad) {
      problem(`${where}: ${bad}`);
      return;
    }
    const r = row as { task: string; item: string | number; strategy?: string; output: string };
    const line: RecordedLine = { line: i + 1, task: r.task, item: String(r.item), strategy: r.strategy, output: r.output, used: false };
    const key = `${line.task}\u0000${line.item}`;
    let group = byItem.get(key);
    if (!group) {
      group = { exact: new Map(), called: false, strategiesCalled: new Set() };
      byItem.set(key, group);
    }
    const same = line.strategy === undefined ? group.anyStrategy : group.exact.get(line.strategy);
    if (same && same[0].output !== line.output) {
      const what = `task "${line.task}", item "${line.item}"${line.strategy === undefined ? " (any strategy)" : `, strategy "${line.strategy}"`}`;
      problem(`${where}: ${what} has a different output at line ${same[0].line}; keep one of the two lines`);
    } else if (same) same.push(line);
    else if (line.strategy === undefined) group.anyStrategy = [line];
    else group.exact.set(line.strategy, [line]);
  });
  problems.throwIfAny();
  return byItem;
}

function rowProblem(row: unknown): string | null {
  if (typeof row !== "object" || row === null || Array.isArray(row))
    return 'each line must be a JSON object {"task", "item", "strategy"?, "output"}';
  const r = row as Record<string, unknown>;
  for (const field of ["task", "item", "output"]) if (r[field] === undefined) return `missing field "${field}"`;
  if (typeof r.task !== "string") return 'field "task" must be a string';
  if (typeof r.item !== "string" && typeof r.item !== "number") return 'field "item" must be a string or a number';
  if (r.strategy !== undefined && typeof r.strategy !== "string") return 'field "strategy" must be a string';
  if (typeof r.output !== "string") return 'field "output" must be a string';
  return null;
}

/** Group the unused lines by why they went unused (and task), as at most MAX_NOTES notes. */
function unusedNotes(byItem: Map<string, ItemLines>, tasksCalled: Set<string>, shown: string): string[] {
  const groups = new Map<string, { lines: number[]; items: Set<string>; reason: (items: string[]) => string }>();
  const add = (key: string, line: RecordedLine, reason: (items: string[]) => string) => {
    let group = groups.get(key);
    if (!group) {
      group = { lines: [], items: new Set(), reason };
      groups.set(key, group);
    }
    group.lines.push(line.line);
    group.items.add(line.item);
  };
  for (const group of byItem.values()) {
    for (const line of [...(group.anyStrategy ?? []), ...[...group.exact.values()].flat()]) {
      if (line.used) continue;
      const task = JSON.stringify(line.task);
      if (!tasksCalled.has(line.task)) add(`task\u0000${line.task}`, line, () => `task ${task} is not in this run`);
      else if (!group.called) add(`item\u0000${line.task}`, line, (items) => `task ${task} has no item ${quoted(items)} in this run`);
      else if (line.strategy !== undefined && !group.strategiesCalled.has(line.strategy)) {
        add(
          `strategy\u0000${line.task}\u0000${line.strategy}`,
          line,
          () => `task ${task} has no strategy ${JSON.stringify(line.strategy)} in this run`,
        );
      } else
        add(
          `shadowed\u0000${line.task}`,
          line,
          (items) => `task ${task}, item ${quoted(items)}: not needed, each strategy has its own line`,
        );
    }
  }
  const sorted = [...groups.values()].map((g) => ({ ...g, lines: g.lines.sort((a, b) => a - b) })).sort((a, b) => a.lines[0] - b.lines[0]);
  const notes = sorted
    .slice(0, MAX_NOTES)
    .map(({ lines, items, reason }) => `replay ${shown}:${listed(lines.map(String), "lines")}: ${reason([...items])}`);
  const rest = sorted.slice(MAX_NOTES).reduce((n, g) => n + g.lines.length, 0);
  if (rest) notes.push(`replay ${shown}: ... and ${rest} more unused lines`);
  return notes;
}

/** The first five of `values`, and how many more. */
function listed(values: string[], noun: string): string {
  return values.slice(0, 5).join(", ") + (values.length > 5 ? ` and ${values.length - 5} more ${noun}` : "");
}

function quoted(items: string[]): string {
  return listed(
    items.map((i) => JSON.stringify(i)),
    "items",
  );
}
