// `assay init`: a starter suite and config that run as written, never overwriting a file.
import { describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { initProject, starterFiles } from "../../src/init-project.ts";
import { builtinModels, parseConfig } from "../../src/provider/config.ts";
import { assay } from "../helpers/cli.ts";
import { workspace } from "../helpers/workspace.ts";

describe("assay init", () => {
  it("writes a starter suite that runs with zero-shot and few-shot, and says what to run next", () => {
    const dir = workspace();
    const r = assay(dir, "init");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      "wrote:\n  suites/starter.yaml\n  suites/data/capitals.jsonl\n  suites/data/capitals.exemplars.jsonl\n  assay.config.yaml\n" +
        "next:\n  npx assay run starter --model echo\n  npx assay show --items\n  npx assay run starter --model local:demo\n",
    );
    const run = assay(dir, "run", "--model", "echo", "--json");
    expect(run.code, run.stderr).toBe(0);
    const rows = JSON.parse(run.stdout).results.map((x: { task: string; strategy: string; metric: string; n: number; errors: number }) => [
      x.task,
      x.strategy,
      x.metric,
      x.n,
      x.errors,
    ]);
    expect(rows).toEqual([
      ["starter/capitals", "zero-shot", "exact-match", 6, 0],
      ["starter/capitals", "zero-shot", "includes", 6, 0],
      ["starter/capitals", "few-shot", "exact-match", 6, 0],
      ["starter/capitals", "few-shot", "includes", 6, 0],
      ["starter/opposites", "zero-shot", "exact-match", 3, 0],
      ["starter/opposites", "few-shot", "exact-match", 3, 0],
    ]);
    // The few-shot prompts carry two demonstrations from the pool.
    const items = JSON.parse(
      assay(dir, "show", "--items", "--task", "capitals", "--strategy", "few-shot", "--limit", "1", "--json").stdout,
    );
    expect(items.items[0].prompt.match(/^Q: What is the capital of /gm)).toHaveLength(3);
  });

  it("writes into a new folder and names it in the next steps", () => {
    const dir = workspace();
    const r = assay(dir, "init", "evals");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("  evals/suites/starter.yaml\n");
    expect(r.stdout).toContain("next:\n  cd evals\n  npx assay run starter --model echo\n");
    expect(assay(join(dir, "evals"), "run", "starter", "--model", "echo").code).toBe(0);
  });

  it("refuses to overwrite any file, writing nothing", () => {
    const dir = workspace({ "assay.config.yaml": "# mine\n" });
    const r = assay(dir, "init");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `error: ${dir}: already exists: assay.config.yaml (nothing was written; move them away or init another folder)\n`,
    );
    expect(readFileSync(join(dir, "assay.config.yaml"), "utf8")).toBe("# mine\n");
    expect(() => readFileSync(join(dir, "suites/starter.yaml"))).toThrow(/ENOENT/);
    const again = workspace();
    initProject(again);
    writeFileSync(join(again, "suites/starter.yaml"), "# edited\n");
    expect(() => initProject(again)).toThrow(
      /already exists: suites\/starter\.yaml, suites\/data\/capitals\.jsonl, suites\/data\/capitals\.exemplars\.jsonl, assay\.config\.yaml/,
    );
    expect(readFileSync(join(again, "suites/starter.yaml"), "utf8")).toBe("# edited\n");
  });

  it("writes a config whose commented examples are valid once uncommented", () => {
    const text = starterFiles["assay.config.yaml"];
    // Commented out, it names no model of its own: only the built-in demo variants.
    const builtin = Object.keys(builtinModels());
    expect(Object.keys(parseConfig(text, { path: "/p/assay.config.yaml" }).models)).toEqual(builtin);
    const uncommented = text
      .split("\n")
      .filter((l) => /^# (models|prices):|^# {3}/.test(l))
      .map((l) => l.slice(2))
      .join("\n");
    const config = parseConfig(uncommented, { path: "/p/assay.config.yaml" });
    expect(Object.keys(config.models)).toEqual([...builtin, "qwen", "flash", "mini", "ollama"]);
    expect(Object.keys(config.prices)).toEqual(["flash", "mini"]);
  });
});
