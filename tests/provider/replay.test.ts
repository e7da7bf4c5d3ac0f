// replay:FILE: conflicting lines are refused, every bad line is reported, unused lines are noted.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors.ts";
import { isReplayProvider, replayProvider, type ReplayProvider } from "../../src/provider/replay.ts";
import { jsonl, workspace } from "../helpers/workspace.ts";

const params = { temperature: 0, maxTokens: 8 };
const open = (text: string | Buffer): ReplayProvider => {
  const dir = workspace();
  writeFileSync(join(dir, "rec.jsonl"), text);
  const provider = replayProvider({ target: "rec.jsonl", cwd: dir });
  if (!isReplayProvider(provider as ReplayProvider)) throw new Error("not a replay provider");
  return provider as ReplayProvider;
};
const problems = (text: string | Buffer): string[] => {
  try {
    open(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).problems;
  }
  throw new Error("expected the file to be refused");
};
const call = (p: ReplayProvider, task: string, item: string, strategy = "zero-shot") =>
  p.generate({ text: "" }, params, { task, item, strategy, sample: 0 });

describe("replay provider", () => {
  it("serves the strategy's own line, else the line without a strategy, for either task form", async () => {
    const p = open(
      jsonl([
        { task: "add", item: "1", strategy: "cot", output: "A" },
        { task: "add", item: 1, output: "B" },
        { task: "s/add", item: "2", output: "C" },
      ]),
    );
    expect((await call(p, "s/add", "1", "cot")).text).toBe("A");
    expect((await call(p, "s/add", "1")).text).toBe("B");
    expect((await call(p, "s/add", "2")).text).toBe("C");
    await expect(call(p, "s/add", "3")).rejects.toThrow(/no recorded output for task "add", item "3"/);
  });

  it("two lines for the same trial with different outputs are an error naming both lines; identical ones pass", () => {
    const found = problems(
      jsonl([
        { task: "add", item: "1", output: "A" },
        { task: "add", item: "2", output: "B" },
        { task: "add", item: "1", output: "X" },
      ]),
    );
    expect(found).toEqual(['rec.jsonl:3: task "add", item "1" (any strategy) has a different output at line 1; keep one of the two lines']);
    const strategies = problems(
      jsonl([
        { task: "add", item: "1", strategy: "cot", output: "A" },
        { task: "add", item: "1", strategy: "cot", output: "B" },
      ]),
    );
    expect(strategies).toEqual([
      'rec.jsonl:2: task "add", item "1", strategy "cot" has a different output at line 1; keep one of the two lines',
    ]);
    expect(() =>
      open(
        jsonl([
          { task: "add", item: "1", output: "A" },
          { task: "add", item: 1, output: "A" },
        ]),
      ),
    ).not.toThrow();
  });

  it("reports every bad line, up to 20, then a count", () => {
    const found = problems(
      [
        '{"task": "a", "item": "1"',
        "null",
        '{"task": "a", "item": "1"}',
        '{"task": 3, "item": "1", "output": "x"}',
        '{"task": "a", "item": "1", "output": "ok"}',
      ].join("\n"),
    );
    expect(found).toHaveLength(4);
    expect(found[0]).toMatch(/^rec\.jsonl:1: /);
    expect(found.slice(1)).toEqual([
      'rec.jsonl:2: each line must be a JSON object {"task", "item", "strategy"?, "output"}',
      'rec.jsonl:3: missing field "output"',
      'rec.jsonl:4: field "task" must be a string',
    ]);
    const many = problems(Array.from({ length: 25 }, () => "{").join("\n"));
    expect(many).toHaveLength(21);
    expect(many[20]).toBe("... and 5 more");
  });

  it("refuses a file that is not UTF-8, at its line", () => {
    expect(() =>
      open(
        Buffer.concat([
          Buffer.from(jsonl([{ task: "a", item: "1", output: "x" }])),
          Buffer.from('{"task": "a", "item": "2", "output": "caf\xe9"}\n', "latin1"),
        ]),
      ),
    ).toThrow(/^rec\.jsonl:2: replay file is not valid UTF-8/);
  });

  it("unusedLines notes the lines no call used, grouped by reason", async () => {
    const p = open(
      jsonl([
        { task: "add", item: "1", output: "A" },
        { task: "add", item: "2", output: "B" },
        { task: "add", item: "9", output: "C" },
        { task: "add", item: "8", output: "C" },
        { task: "gone", item: "1", output: "D" },
        { task: "add", item: "1", strategy: "cot", output: "E" },
        { task: "add", item: "2", strategy: "zero-shot", output: "F" },
        { task: "gone", item: "2", output: "G" },
      ]),
    );
    expect(p.unusedLines()).toEqual([
      'replay rec.jsonl:1, 2, 3, 4, 6 and 1 more lines: task "add" is not in this run',
      'replay rec.jsonl:5, 8: task "gone" is not in this run',
    ]);
    await call(p, "s/add", "1");
    await call(p, "s/add", "2");
    expect(p.unusedLines()).toEqual([
      'replay rec.jsonl:2: task "add", item "2": not needed, each strategy has its own line',
      'replay rec.jsonl:3, 4: task "add" has no item "9", "8" in this run',
      'replay rec.jsonl:5, 8: task "gone" is not in this run',
      'replay rec.jsonl:6: task "add" has no strategy "cot" in this run',
    ]);
  });

  it("caps the notes", () => {
    const p = open(jsonl(Array.from({ length: 30 }, (_, i) => ({ task: `t${i}`, item: "1", output: "x" }))));
    const notes = p.unusedLines();
    expect(notes).toHaveLength(11);
    expect(notes[10]).toBe("replay rec.jsonl: ... and 20 more unused lines");
  });
});
