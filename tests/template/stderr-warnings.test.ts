// Neither yaml nor handlebars prints its own warnings to stderr: what they warned about is
// reported as a located error, and a normal run prints only its progress.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { jsonl, workspace } from "../helpers/workspace.ts";
import { assayEntry } from "../helpers/cli.ts";

const run = (cwd: string, ...args: string[]) =>
  spawnSync(process.execPath, [...assayEntry, ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
const suite = (prompt: string) =>
  `suite: w\ntasks:\n  - id: t\n    dataset: data/d.jsonl\n    prompt: ${prompt}\n    target: "{{a}}"\n    scorers: [exact-match]\n`;
const data = jsonl([{ q: "x", a: "y" }]);

describe("no library warnings on stderr", () => {
  it("an unquoted {{template}} in YAML is a located error with the fix, not a yaml warning", () => {
    const dir = workspace({ "suites/w.yaml": suite("{{q}}"), "suites/data/d.jsonl": data });
    const r = run(dir, "run", "--model", "echo");
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      'error: suites/w.yaml:5: {{q}} is read as a YAML mapping, not text; quote a value that starts with "{{", e.g. prompt: "{{question}}"\n',
    );
  });

  it("a template naming an Object.prototype member is a missing field, not a handlebars warning", () => {
    const dir = workspace({ "suites/w.yaml": suite('"{{#if toString}}{{q}}{{/if}} {{toString}}"'), "suites/data/d.jsonl": data });
    const r = run(dir, "run", "--model", "echo");
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('error: suites/data/d.jsonl:1: template variable "toString" is not a field of this item (fields: q, a)\n');
  });

  it("the bundled example suite runs with nothing on stderr but progress", () => {
    const r = run(workspace(), "run", "example", "--model", "echo");
    expect(r.status).toBe(0);
    const other = r.stderr
      .split("\n")
      .filter((line) => line !== "" && !/^run \d+: \d+ trials -> /.test(line) && !/^ {2}\d+\/\d+ trials, /.test(line));
    expect(other).toEqual([]);
  });
});
