// One broken suite file does not stop unrelated suites: its problems are errors only for a
// selection that could mean it, warnings otherwise; `assay list` still lists the valid tasks.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors.ts";
import { loadRegistry } from "../../src/suite/registry.ts";
import { jsonl, workspace } from "../helpers/workspace.ts";
import { assayEntry } from "../helpers/cli.ts";

const good = `suite: alpha
tasks:
  - id: copy
    items: [{ w: hi }]
    prompt: "Say {{w}}"
    target: "{{w}}"
    scorers: [includes]
    tags: [easy]
`;
// A YAML syntax error: nothing of the file can be trusted, not even its suite id.
const syntax = "suite: beta\ntasks:\n  - id: [x\n";
// Valid YAML with a schema problem: its suite, task ids and tags are still known.
const schema = `suite: gamma
tasks:
  - id: add
    items: [{ a: 1 }]
    prompt: "{{a}}"
    scorers: [includes]
    tags: [math]
    promt: typo
`;

async function registryOf(files: Record<string, string>) {
  const dir = workspace(files);
  return { dir, registry: await loadRegistry(join(dir, "suites"), dir) };
}
const errorsOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).problems;
  }
  return [];
};

describe("broken suite files", () => {
  it("do not stop a selection of valid tasks; their problems become warnings", async () => {
    const { registry } = await registryOf({ "suites/a.yaml": good, "suites/b.yaml": syntax, "suites/c.yaml": schema });
    expect(registry.select(["alpha"]).map((t) => t.id)).toEqual(["copy"]);
    const warnings = registry.warnings(["alpha"]);
    expect(warnings.some((w) => /^suites\/b\.yaml:\d+: /.test(w))).toBe(true);
    expect(warnings).toContainEqual('suites/c.yaml:3 tasks[0]: unknown field "promt"; did you mean "prompt"?');
  });

  it("stop a run that selects everything or could mean them", async () => {
    const { registry } = await registryOf({ "suites/a.yaml": good, "suites/b.yaml": syntax, "suites/c.yaml": schema });
    const all = errorsOf(() => registry.select([]));
    expect(all.some((p) => /^suites\/b\.yaml:\d+: /.test(p))).toBe(true);
    expect(all.some((p) => p.startsWith("suites/c.yaml:3 tasks[0]"))).toBe(true);
    // By the recovered suite id, task id, suite/task, a glob, a tag, or the file's name.
    const schemaProblem = 'suites/c.yaml:3 tasks[0]: unknown field "promt"; did you mean "prompt"?';
    for (const selector of ["gamma", "add", "gamma/add", "gam*", "c"])
      expect(
        errorsOf(() => registry.select([selector])),
        selector,
      ).toEqual([schemaProblem]);
    expect(errorsOf(() => registry.select(["tag:math"]))).toContainEqual(schemaProblem);
    // A file with a syntax error could hold any tag; its stem still names it.
    const byTag = errorsOf(() => registry.select(["tag:easy"]));
    expect(byTag.some((p) => p.startsWith("suites/b.yaml"))).toBe(true);
    expect(byTag).not.toContainEqual(schemaProblem);
    expect(errorsOf(() => registry.select(["b"])).every((p) => p.startsWith("suites/b.yaml"))).toBe(true);
    expect(() => registry.select(["nothing-like-it"])).toThrow(/no task matches "nothing-like-it"/);
  });

  it("a suite declared in two files keeps the first and reports the second", async () => {
    const { registry } = await registryOf({ "suites/a.yaml": good, "suites/z.yaml": good.replace("id: copy", "id: other") });
    expect(registry.select(["copy"]).map((t) => t.id)).toEqual(["copy"]);
    expect(errorsOf(() => registry.select(["alpha"]))).toEqual([
      'suites/z.yaml:3 tasks[0]: suite "alpha" is also declared in ' + registry.tasks[0].file,
    ]);
  });

  it("assay list prints the problems as warnings on stderr and lists the valid tasks", () => {
    const dir = workspace({ "suites/a.yaml": good, "suites/b.yaml": syntax, "suites/data/unused.jsonl": jsonl([{ a: 1 }]) });
    const r = spawnSync(process.execPath, [...assayEntry, "list"], { cwd: dir, encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^alpha\s+copy\s+1\s/m);
    expect(r.stderr).toMatch(/^warning: suites\/b\.yaml:\d+: /m);
    const run = spawnSync(process.execPath, [...assayEntry, "run", "alpha", "--model", "echo", "--db", join(dir, "x.db")], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/alpha\/copy\s+echo\s+zero-shot\s+includes\s+1\.000/);
    expect(run.stderr).toMatch(/^warning: suites\/b\.yaml:\d+: /m);
    // With --json (stderr not a terminal) progress lines are left out, warnings are not.
    const json = spawnSync(process.execPath, [...assayEntry, "run", "alpha", "--model", "echo", "--db", join(dir, "x.db"), "--json"], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(json.status).toBe(0);
    expect(json.stderr).toMatch(/^warning: suites\/b\.yaml:\d+: /m);
    expect(json.stderr).not.toMatch(/trials?, [\d.]+\/s/);
  });
});
