// `.suite.ts` files load in any folder (no package.json, CommonJS or ES module package),
// and a syntax or runtime error in one is a located user error, not a crash.
import { spawnSync } from "node:child_process";
import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { workspace } from "../helpers/workspace.ts";
import { assayEntry } from "../helpers/cli.ts";

const root = join(import.meta.dirname, "..", "..");
const defineTaskPath = JSON.stringify(join(root, "src", "suite", "define-task.ts"));
const assay = (cwd: string, ...args: string[]) => {
  const r = spawnSync(process.execPath, [...assayEntry, ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

const capitals = (from: string) =>
  `import { defineTask } from ${from};\nexport default defineTask({ suite: "geo", id: "capitals", items: [{ c: "France", a: "Paris" }], prompt: "Capital of {{c}}?", target: "{{c}}", scorers: ["includes"] });\n`;
const syntaxError = "const a: number = 1;\nexport default {\n  x: = 3,\n};\n";
const runtimeError = "interface X {\n  a: number;\n}\nconst x: X = { a: 1 };\n\nthrow new Error(`boom ${x.a}`);\n";

describe("code suites", () => {
  it("load from a folder with no package.json; a syntax or runtime error is a located user error", () => {
    const dir = workspace({
      "suites/capitals.suite.ts": capitals(defineTaskPath),
      "suites/syn.suite.ts": syntaxError,
      "suites/rt.suite.ts": runtimeError,
    });
    const listed = assay(dir, "list", "--suites", "suites", "geo");
    expect(listed.stderr).not.toContain("internal error");
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^geo\s+capitals\s+1\s/m);
    expect(listed.stderr).toContain('warning: suites/syn.suite.ts:3: syntax error: Unexpected "="');
    expect(listed.stderr).toContain("warning: suites/rt.suite.ts: error while loading: boom 1");
    const run = assay(dir, "run", "--suites", "suites", "--model", "echo");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('suites/syn.suite.ts:3: syntax error: Unexpected "="');
    expect(run.stderr).not.toMatch(/\n\s+at /);
    // Selecting the valid suite runs it; the broken files are warnings.
    const selected = assay(dir, "run", "--suites", "suites", "--model", "echo", "geo");
    expect(selected.code).toBe(0);
    expect(selected.stdout).toMatch(/geo\/capitals\s+echo\s+zero-shot\s+includes\s+1\.000/);
  });

  it("in an ES module package a runtime error names its line", () => {
    const dir = workspace({
      "package.json": '{ "type": "module" }\n',
      "suites/capitals.suite.ts": capitals(defineTaskPath),
      "suites/rt.suite.ts": runtimeError,
    });
    const listed = assay(dir, "list");
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^geo\s+capitals\s+1\s/m);
    expect(listed.stderr).toContain("warning: suites/rt.suite.ts:6: error while loading: boom 1");
  });

  it('import { defineTask } from "assay" resolves where assay is installed, and says how to install it where it is not', () => {
    const dir = workspace({ "suites/capitals.suite.ts": capitals('"assay"') });
    const missing = assay(dir, "list");
    expect(missing.stderr).toContain(
      "warning: suites/capitals.suite.ts: Cannot find module 'assay'; install assay in this project (npm install --save-dev assay)",
    );
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(root, join(dir, "node_modules", "assay"));
    const installed = assay(dir, "list");
    expect(installed.stderr).toBe("");
    expect(installed.stdout).toMatch(/^geo\s+capitals\s+1\s/m);
  });

  it("load when no tsx loader is registered in the process (as when assay runs compiled)", () => {
    const dir = workspace({ "suites/capitals.suite.ts": capitals(defineTaskPath) });
    // Plain node: only the scoped tsImport compiles TypeScript, here and inside loadCodeSuite.
    const script = `
      const { tsImport } = await import("tsx/esm/api");
      const { loadRegistry } = await tsImport(${JSON.stringify(join(root, "src", "suite", "registry.ts"))}, import.meta.url);
      const registry = await loadRegistry("suites", ${JSON.stringify(dir)});
      console.log(JSON.stringify(registry.select([]).map((t) => t.suite + "/" + t.id)));`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual(["geo/capitals"]);
  });
});
