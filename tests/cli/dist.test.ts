// The package as it is shipped: `npm run build` output run on plain Node, with no tsx loader
// and no src/: the bundled CLI (bin/assay.js), a .suite.ts loaded by it, and the library
// imported by name (`import { runEval } from "assay"`). Built into a copy of the package, so
// the repository's own dist/ is neither needed nor touched.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { workspace } from "../helpers/workspace.ts";

const root = join(import.meta.dirname, "..", "..");
const pkg = workspace();
const node = (cwd: string, ...args: string[]) =>
  spawnSync(process.execPath, args, { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });

beforeAll(() => {
  for (const file of ["package.json", "tsconfig.json", "tsconfig.build.json"]) cpSync(join(root, file), join(pkg, file));
  for (const dir of ["bin", "prompts", "src", "scripts"]) cpSync(join(root, dir), join(pkg, dir), { recursive: true });
  for (const dir of ["suites", "models", "node_modules"]) symlinkSync(join(root, dir), join(pkg, dir));
  const built = node(pkg, join(pkg, "scripts", "build.mjs"));
  expect(built.status, built.stderr + built.stdout).toBe(0);
  // A published package has no sources: everything must come from dist/.
  rmSync(join(pkg, "src"), { recursive: true });
}, 120_000);

describe("the built package", () => {
  it("runs the bundled CLI: version, a run on the bundled example suite, show", () => {
    const version = node(pkg, join(pkg, "bin", "assay.js"), "--version");
    expect(version.stdout.trim()).toBe((JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version);
    const work = workspace();
    const run = node(work, join(pkg, "bin", "assay.js"), "run", "example/copy", "--model", "echo", "--json");
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).results[0]).toMatchObject({ task: "example/copy", model: "echo", n: 4 });
    const shown = node(work, join(pkg, "bin", "assay.js"), "show", "--json");
    expect(JSON.parse(shown.stdout).results).toEqual(JSON.parse(run.stdout).results);
  });

  it("loads a .suite.ts with no tsx loader registered, in a folder without package.json", () => {
    const work = workspace();
    mkdirSync(join(work, "suites"));
    // `import ... from "assay"` resolves once assay is installed in the project.
    mkdirSync(join(work, "node_modules"));
    symlinkSync(pkg, join(work, "node_modules", "assay"));
    writeFileSync(
      join(work, "suites", "geo.suite.ts"),
      'import { defineTask } from "assay";\nconst cities: Record<string, string> = { France: "Paris" };\nexport default defineTask({ suite: "geo", id: "capitals", items: Object.entries(cities).map(([c, a]) => ({ c, a })), prompt: "Capital of {{c}}: {{a}}", target: "{{a}}", scorers: ["includes"] });\n',
    );
    const run = node(work, join(pkg, "bin", "assay.js"), "run", "--model", "echo", "--json");
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).results[0]).toMatchObject({ task: "geo/capitals", metric: "includes", value: 1, n: 1 });
  });

  it("is importable by name on plain Node: runEval on a task defined in code", () => {
    const script = `
import { defineTask, runEval } from "assay";
const task = defineTask({ id: "t", items: [{ w: "hi" }], prompt: "{{w}}", target: "{{w}}", scorers: ["exact-match"] });
const result = await runEval({ tasks: [task], models: ["echo"], db: process.argv[1] });
console.log(JSON.stringify(result.results[0]));
`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script, join(workspace(), "lib.db")], {
      cwd: pkg,
      encoding: "utf8",
    });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ task: "code/t", metric: "exact-match", value: 1, n: 1 });
  });
});
