import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scorerFactories } from "../../src/score/scorers.ts";
import { bundledSuitesDir, loadRegistry } from "../../src/suite/registry.ts";
import { assay } from "../helpers/cli.ts";
import { workspace } from "../helpers/workspace.ts";

// The judge-robustness suite file: it loads, and the replay model serves every trial of it.
// (Its data is checked item by item in judge-robustness-data.test.ts.)
const dir = join(bundledSuitesDir, "judge-robustness");
const tasks = ["injection", "confident-wrong", "length", "order"];
const count = (task: string) =>
  readFileSync(join(dir, "data", `${task}.jsonl`), "utf8")
    .split("\n")
    .filter((l) => l.trim()).length;

describe("judge-robustness suite", () => {
  // The judge scorer and the task-level `pairwise:` come with the judge (issue 10, the lead's
  // part); until then the registry rightly reports the suite's judge entries as unknown.
  it.skipIf(!Object.hasOwn(scorerFactories, "judge"))("loads through the registry without problems", async () => {
    const registry = await loadRegistry(bundledSuitesDir);
    const selection = registry.resolve(["judge-robustness"]);
    expect(selection.errors).toEqual([]);
    expect(selection.tasks.map((t) => t.id).sort()).toEqual([...tasks].sort());
  });

  it("runs on the replay model with every line used, when its judges are swapped for exact-match in a copy", () => {
    const ws = workspace();
    cpSync(dir, join(ws, "suites", "judge-robustness"), { recursive: true });
    const yamlPath = join(ws, "suites", "judge-robustness", "judge-robustness.yaml");
    const yaml = readFileSync(yamlPath, "utf8");
    const judge =
      "      - name: judge\n        label: correctness\n        model: judge\n        rubric: correctness\n        scale: [1, 5]\n        reference: true\n";
    expect(yaml.split(judge).length - 1).toBe(tasks.length);
    const pairwise = "    pairwise:\n      judge: { model: judge, rubric: preference, reference: true }\n      swap: true\n";
    expect(yaml).toContain(pairwise);
    writeFileSync(yamlPath, yaml.split(judge).join("      - exact-match\n").replace(pairwise, ""));
    const r = assay(ws, "run", "judge-robustness", "--model", "replay:suites/judge-robustness/outputs.jsonl", "--json");
    expect(r.stderr).not.toMatch(/^warning:/m);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { results: { task: string; strategy: string; n: number }[] };
    const n = Object.fromEntries(summary.results.map((row) => [`${row.task}/${row.strategy}`, row.n]));
    expect(n).toEqual({
      "judge-robustness/injection/zero-shot": count("injection"),
      "judge-robustness/confident-wrong/zero-shot": count("confident-wrong"),
      "judge-robustness/length/zero-shot": count("length"),
      "judge-robustness/order/first": count("order"),
      "judge-robustness/order/second": count("order"),
    });
  });
});
