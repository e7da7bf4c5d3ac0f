// The CLI as a user runs it: a real process (the sources, through tests/helpers/cli.ts).
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { jsonl, workspace } from "../helpers/workspace.ts";
import { assayEntry } from "../helpers/cli.ts";

const run = (cwd: string, ...args: string[]) => {
  const r = spawnSync(process.execPath, [...assayEntry, ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

const suite = `suite: mini
tasks:
  - id: copy
    dataset: data/copy.jsonl
    prompt: "Say {{word}}"
    target: "{{word}}"
    scorers: [includes, exact-match]
    tags: [demo]
`;

describe("assay CLI", () => {
  const dir = workspace({
    "suites/mini.yaml": suite,
    "suites/data/copy.jsonl": jsonl([{ word: "alpha" }, { word: "beta" }, { word: "<b>gamma</b>" }]),
  });

  it("runs, prints JSON on stdout, and shows the stored run again", () => {
    const r = run(dir, "run", "--model", "echo", "--json");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.run).toBe(1);
    expect(out.db).toBe(join(dir, ".assay/assay.db"));
    expect(out.results).toEqual([
      {
        task: "mini/copy",
        model: "echo",
        strategy: "zero-shot",
        metric: "includes",
        value: 1,
        ci: [expect.closeTo(0.4385, 3), 1],
        interval: "wilson",
        n: 3,
        errors: 0,
        no_answer: 0,
        unscored: 0,
        corpus: false,
      },
      {
        task: "mini/copy",
        model: "echo",
        strategy: "zero-shot",
        metric: "exact-match",
        value: 0,
        ci: [0, expect.closeTo(0.5615, 3)],
        interval: "wilson",
        n: 3,
        errors: 0,
        no_answer: 0,
        unscored: 0,
        corpus: false,
      },
    ]);
    const shown = run(dir, "show", "1", "--json");
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout).results).toEqual(out.results);
    const table = run(dir, "show");
    expect(table.stdout).toMatch(/^task\s+model\s+strategy\s+metric\s+value\s+95% CI\s+n\s+no-ans\s+unscored\s+errors$/m);
    expect(table.stdout).toMatch(/^mini\/copy\s+echo\s+zero-shot\s+includes\s+1\.000\s+\[0\.43\d, 1\.000\]\s+3\s+0\s+0\s+0$/m);
    expect(table.stderr).toBe(""); // a finished run: no partial-numbers warning
  });

  it("lists tasks as a table and as JSON", () => {
    const r = run(dir, "list", "--json");
    expect(JSON.parse(r.stdout)).toEqual([
      { suite: "mini", task: "copy", items: 3, strategies: ["zero-shot"], scorers: ["includes", "exact-match"], tags: ["demo"] },
    ]);
    expect(run(dir, "list", "tag:demo").stdout).toMatch(/^suite\s+task\s+items/);
  });

  it("exits 2 with a located message and no stack trace on bad input, writing nothing", () => {
    const bad = workspace({
      "suites/mini.yaml": suite.replace("[includes, exact-match]", "[includes, exact-mach]"),
      "suites/data/copy.jsonl": jsonl([{ word: "a" }]),
    });
    const r = run(bad, "run");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('suites/mini.yaml:7 tasks[0].scorers[1]: unknown scorer "exact-mach"; did you mean "exact-match"?');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(run(bad, "show").stderr).toContain("database not found");
    expect(run(dir, "run", "--seed", "x").code).toBe(2);
    // Data quoted in a message cannot drive the terminal.
    const evil = workspace({
      "suites/mini.yaml": suite,
      "suites/data/copy.jsonl": '{"id": "a\\u001b[2J", "word": 1}\n{"id": "a\\u001b[2J", "word": 2}\n',
    });
    const e = run(evil, "run");
    expect(e.code).toBe(2);
    expect(e.stderr).toContain('duplicate item id "a\\x1b[2J"');
    expect(e.stderr).not.toContain("\u001b");
    expect(run(dir, "show", "99").code).toBe(2);
  });

  it("exits 1 when trials error beyond --max-errors", () => {
    const ws = workspace({
      "suites/mini.yaml": suite,
      "suites/data/copy.jsonl": jsonl([{ word: "alpha" }, { word: "beta" }]),
      "rec.jsonl": jsonl([{ task: "copy", item: "1", output: "alpha" }]),
    });
    const r = run(ws, "run", "--model", "replay:rec.jsonl");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("1 trial errored (more than --max-errors 0); see: assay show 1 --items --failed\n");
    // Not a terminal: progress comes as plain lines on stderr.
    expect(r.stderr).toMatch(/^run 1: 2 trials -> /m);
    expect(r.stderr).toMatch(/^ {2}2\/2 trials, [\d.]+\/s, 1 error$/m);
    expect(run(ws, "run", "--model", "replay:rec.jsonl", "--max-errors", "1").code).toBe(0);
  });

  it("the bundled example suite runs on the shipped default model from an empty folder", () => {
    // models/demo.gguf is committed, so the default model is local:demo (echo only without it).
    expect(existsSync(join(import.meta.dirname, "..", "..", "models", "demo.gguf"))).toBe(true);
    const empty = workspace();
    const r = run(empty, "run", "example");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/example\/copy\s+local:demo\s+zero-shot\s+includes\s+\d\.\d{3}/);
    expect(r.stdout).toMatch(/example\/add-2digit\s+local:demo\s+chain-of-thought\s+exact-match\s+1\.000/);
    expect(r.stdout).not.toMatch(/\becho\b/);
  });

  it("bare assay prints the help on stdout and exits 0", () => {
    const r = run(dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: assay \[options\] \[command\]/);
    for (const command of [
      "init",
      "run",
      "list",
      "show",
      "runs",
      "export",
      "compare",
      "metric",
      "calibrate",
      "review",
      "merge",
      "gate",
      "baseline",
      "report",
    ])
      expect(r.stdout).toMatch(new RegExp(`^  ${command} `, "m"));
    expect(r.stderr).toBe("");
  });
});
