// The baseline file (`assay baseline export`): a run's per-item outcomes as JSON lines, small and
// deterministic enough to commit, so CI can gate against it without the old database.
// Line 1: {"assay_baseline":1,"run":N,"tasks":{"suite/task":"sha256",...}}; then per item of
// each task {"task":T,"item":KEY,"data":HASH} (a short hash of its dataset row); then per cell a
// {"cell":{task,model,strategy,metric,scorer,corpus}} line followed by its items'
// {"item":KEY,"value":X} (or {"item":KEY,"stats":[...]} for corpus metrics) lines.
import { renameSync, writeFileSync } from "node:fs";
import { z } from "zod";
import { ProblemList, UserError } from "../errors.ts";
import { readTextFile } from "../text-file.ts";
import type { GateCell, GateSide } from "./side.ts";

/** The format version this assay writes and reads. */
export const BASELINE_VERSION = 1;

/** The baseline file's text for a side (a stored run's outcomes). */
export function baselineText(side: GateSide): string {
  const lines = [JSON.stringify({ assay_baseline: BASELINE_VERSION, run: side.run, tasks: Object.fromEntries(side.tasks) })];
  for (const [task, items] of side.items) for (const [item, data] of items) lines.push(JSON.stringify({ task, item, data }));
  for (const c of side.cells) {
    lines.push(
      JSON.stringify({
        cell: { task: c.task, model: c.model, strategy: c.strategy, metric: c.metric, scorer: c.scorer, corpus: c.corpus },
      }),
    );
    if (c.corpus) for (const [item, stats] of c.stats) lines.push(JSON.stringify({ item, stats }));
    else for (const [item, value] of c.values) lines.push(JSON.stringify({ item, value }));
  }
  return `${lines.join("\n")}\n`;
}

/** Write the baseline file whole (through a temporary file renamed over it, so a failed write leaves no half file). */
export function writeBaselineFile(path: string, side: GateSide): void {
  const text = baselineText(side);
  const temp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, text);
    renameSync(temp, path);
  } catch (error) {
    throw new UserError(`cannot write the baseline file: ${(error as Error).message}`, { location: path, code: "E_FILE", cause: error });
  }
}

const header = z.strictObject({
  assay_baseline: z.literal(BASELINE_VERSION),
  run: z.number().int().nonnegative(),
  tasks: z.record(z.string(), z.string().regex(/^[0-9a-f]{64}$/, "a sha256 in hex")),
});
const cellLine = z.strictObject({
  cell: z.strictObject({
    task: z.string(),
    model: z.string(),
    strategy: z.string(),
    metric: z.string(),
    scorer: z.string(),
    corpus: z.boolean(),
  }),
});
const dataLine = z.strictObject({ task: z.string(), item: z.string(), data: z.string().regex(/^[0-9a-f]{16}$/, "16 hex digits") });
const valueLine = z.strictObject({ item: z.string(), value: z.number() });
const statsLine = z.strictObject({ item: z.string(), stats: z.array(z.number()).min(1) });

/** Read a baseline file; every problem is reported with its `file:line field`, together. */
export function readBaselineFile(path: string, shown = path): GateSide {
  const text = readTextFile(path, shown, { what: "baseline file" });
  const problems = new ProblemList();
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  const cells: GateCell[] = [];
  let run = 0;
  let tasks = new Map<string, string>();
  const items = new Map<string, Map<string, string>>();
  lines.forEach((line, i) => {
    const where = `${shown}:${i + 1}`;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      problems.add(`${where}: not JSON${i === 0 ? " (is this a baseline file from `assay baseline export`?)" : ""}`);
      return;
    }
    const has = (key: string) => raw !== null && typeof raw === "object" && key in raw;
    const schema = i === 0 ? header : has("cell") ? cellLine : has("data") ? dataLine : has("stats") ? statsLine : valueLine;
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.add(`${where} ${issue.path.join(".") || "(line)"}: ${issue.message}`);
      return;
    }
    const data = parsed.data as
      | z.infer<typeof header>
      | z.infer<typeof cellLine>
      | z.infer<typeof dataLine>
      | z.infer<typeof valueLine>
      | z.infer<typeof statsLine>;
    if ("assay_baseline" in data) {
      run = data.run;
      tasks = new Map(Object.entries(data.tasks));
    } else if ("data" in data) {
      if (!tasks.has(data.task)) problems.add(`${where} task: task ${data.task} is not in the header's tasks`);
      const task = items.get(data.task) ?? new Map<string, string>();
      if (task.has(data.item)) problems.add(`${where} item: duplicate item ${JSON.stringify(data.item)} of task ${data.task}`);
      task.set(data.item, data.data);
      items.set(data.task, task);
    } else if ("cell" in data) {
      if (!tasks.has(data.cell.task)) problems.add(`${where} cell.task: task ${data.cell.task} is not in the header's tasks`);
      cells.push({ ...data.cell, values: new Map(), stats: new Map() });
    } else {
      const cell = cells.at(-1);
      if (!cell) problems.add(`${where}: an item before any cell line`);
      else if ("stats" in data !== cell.corpus)
        problems.add(`${where}: ${cell.corpus ? "a corpus metric's item needs stats" : "an item of a per-item metric needs a value"}`);
      else if (cell.values.has(data.item) || cell.stats.has(data.item))
        problems.add(`${where} item: duplicate item ${JSON.stringify(data.item)} in this cell`);
      else if ("stats" in data) cell.stats.set(data.item, data.stats);
      else cell.values.set(data.item, data.value);
    }
  });
  if (lines.length === 0) problems.add(`${shown}: empty; expected a baseline file from \`assay baseline export\``);
  problems.throwIfAny();
  return { label: `${shown} (run ${run})`, run, tasks, items, cells };
}
