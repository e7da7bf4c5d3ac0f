// Inputs that never end or loop: link loops under suites/ are skipped or reported, and a
// dataset that is a device or a FIFO is refused instead of read forever or waited on.
import { execFileSync, spawnSync } from "node:child_process";
import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors.ts";
import { prepareTask } from "../../src/suite/prepare.ts";
import { loadRegistry } from "../../src/suite/registry.ts";
import { workspace } from "../helpers/workspace.ts";
import { assayEntry } from "../helpers/cli.ts";

const suite = (dataset: string) => `suite: s
tasks:
  - id: t
    dataset: ${JSON.stringify(dataset)}
    prompt: "{{q}}"
    target: "{{q}}"
    scorers: [includes]
`;

describe("unbounded inputs", () => {
  it("link loops under suites/ are skipped with a note, or reported when named like a suite", async () => {
    const dir = workspace({ "suites/s.yaml": suite("data/d.jsonl"), "suites/data/d.jsonl": '{"q": "x"}\n' });
    symlinkSync("loop", join(dir, "suites", "loop"));
    symlinkSync("..", join(dir, "suites", "up"));
    symlinkSync("self.yaml", join(dir, "suites", "self.yaml"));
    const registry = await loadRegistry(join(dir, "suites"), dir);
    expect(registry.tasks.map((t) => t.id)).toEqual(["t"]);
    const warnings = registry.warnings(["s"]);
    expect(warnings).toContainEqual("suites/loop: skipped: a loop of symbolic links");
    expect(warnings).toContainEqual("suites/up/suites: skipped: the same directory as suites (a link loop)");
    expect(warnings).toContainEqual("suites/self.yaml: suite too many levels of symbolic links");
    expect(() => registry.select([])).toThrow(ValidationError);
    const r = spawnSync(process.execPath, [...assayEntry, "list"], { cwd: dir, encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^s\s+t\s+1\s/m);
    expect(r.stderr).toContain("warning: suites/loop: skipped: a loop of symbolic links");
  });

  it("a dataset that is /dev/zero or a FIFO is refused", async () => {
    const zero = workspace({ "suites/s.yaml": suite("/dev/zero") });
    const registry = await loadRegistry(join(zero, "suites"), zero);
    expect(() => prepareTask(registry.select([])[0], zero)).toThrow(
      "/dev/zero: data file is not a regular file (a pipe, socket or device)",
    );
    const fifo = workspace({ "suites/s.yaml": suite("data/d.jsonl") });
    execFileSync("mkdir", ["-p", join(fifo, "suites", "data")]);
    execFileSync("mkfifo", [join(fifo, "suites", "data", "d.jsonl")]);
    const withFifo = await loadRegistry(join(fifo, "suites"), fifo);
    expect(() => prepareTask(withFifo.select([])[0], fifo)).toThrow(
      "suites/data/d.jsonl: data file is not a regular file (a pipe, socket or device)",
    );
  });
});
