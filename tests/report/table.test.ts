// Tables for the terminal: aligned columns, or, on a terminal narrower than the table, one
// block of labelled lines per row (a wrapped table mixes its columns up).
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { columns } from "../../src/report/table.ts";
import { assay, assayEntry } from "../helpers/cli.ts";
import { jsonl, workspace } from "../helpers/workspace.ts";

const header = ["task", "model", "n"];
const rows = [
  ["arith/add", "local:demo", "150"],
  ["arith/sub", "echo", "7"],
];

describe("columns", () => {
  it("aligns columns when the table fits the width (or no width is known)", () => {
    const table = "task       model         n\n---------  ----------  ---\narith/add  local:demo  150\narith/sub  echo          7";
    expect(columns(header, rows, { rightAligned: [2], rule: true })).toBe(table);
    expect(columns(header, rows, { rightAligned: [2], rule: true, width: 26 })).toBe(table);
  });

  it("prints a block of labelled lines per row when the terminal is narrower", () => {
    expect(columns(header, rows, { rightAligned: [2], rule: true, width: 25 })).toBe(
      "task   arith/add\nmodel  local:demo\nn      150\n\ntask   arith/sub\nmodel  echo\nn      7",
    );
  });
});

describe("on a real terminal", () => {
  it("assay runs fits a 45-column terminal, and keeps its table on a wide one or in a pipe", () => {
    const dir = workspace({
      "suites/s.yaml":
        'suite: s\ntasks:\n  - id: t\n    dataset: d.jsonl\n    prompt: "{{w}}"\n    target: "{{w}}"\n    scorers: [exact-match]\n',
      "suites/d.jsonl": jsonl([{ w: "a" }]),
    });
    expect(assay(dir, "run", "--model", "echo").code).toBe(0);
    const command = [process.execPath, ...assayEntry, "runs"].map((a) => `'${a}'`).join(" ");
    const onTerminal = (cols: number) =>
      spawnSync("script", ["-q", "-c", `stty cols ${cols}; ${command}`, "/dev/null"], { cwd: dir, encoding: "utf8" }).stdout.replace(
        /\r/g,
        "",
      );
    const narrow = onTerminal(45);
    expect(narrow).toMatch(/^run +1\nstate +done\ncreated +\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\ntrials +1\/1\n/m);
    expect(
      Math.max(
        ...narrow
          .trimEnd()
          .split("\n")
          .map((l) => l.length),
      ),
    ).toBeLessThanOrEqual(45);
    expect(onTerminal(200)).toMatch(/^run +state +created +trials +errors +models +selectors\n/m);
    expect(assay(dir, "runs").stdout).toMatch(/^run +state +created/);
  });
});
