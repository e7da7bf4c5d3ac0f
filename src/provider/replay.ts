// replay:FILE.jsonl: serves outputs recorded elsewhere (production logs, another tool),
// one {"task", "item", "strategy"?, "output"} object a line, so they can be scored and stored.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { ProviderError, UserError } from "../errors.ts";
import type { Provider, ProviderFactory } from "./types.ts";

/** `replay:FILE`: looks each trial's output up by task, item and (optionally) strategy. */
export const replayProvider: ProviderFactory = ({ target, cwd }) => {
  if (!target) throw new UserError("replay needs a file: --model replay:outputs.jsonl", { code: "E_MODEL" });
  const path = resolve(cwd, target);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new UserError(`cannot read replay file (${(error as NodeJS.ErrnoException).code})`, { location: target, code: "E_MODEL" });
  }
  const exact = new Map<string, string>();
  const anyStrategy = new Map<string, string>();
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const where = `${target}:${i + 1}`;
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(line);
    } catch (error) {
      throw new UserError((error as Error).message, { location: where, code: "E_MODEL" });
    }
    for (const field of ["task", "item", "output"]) {
      if (row[field] === undefined) throw new UserError(`missing field "${field}"`, { location: where, code: "E_MODEL" });
    }
    if (typeof row.output !== "string") throw new UserError(`field "output" must be a string`, { location: where, code: "E_MODEL" });
    const key = `${row.task}\u0000${row.item}`;
    if (row.strategy === undefined) anyStrategy.set(key, row.output);
    else exact.set(`${key}\u0000${row.strategy}`, row.output);
  });
  const provider: Provider = {
    id: `replay:${target}`,
    concurrency: 64,
    cacheable: false,
    retries: 0,
    async generate(_prompt, _params, context) {
      // context.task is "suite/task"; recorded lines may name either form.
      const task = context.task.slice(context.task.indexOf("/") + 1);
      for (const name of [context.task, task]) {
        const key = `${name}\u0000${context.item}`;
        const output = exact.get(`${key}\u0000${context.strategy}`) ?? anyStrategy.get(key);
        if (output !== undefined) return { text: output, finishReason: "stop", latencyMs: 0 };
      }
      throw new ProviderError(`replay ${target}: no recorded output for task "${task}", item "${context.item}", strategy "${context.strategy}"`);
    },
  };
  return provider;
};
