// The bundled demo: its judge `verifier` (choices correct/incorrect) makes the default rubric of
// `assay review create demo --run 1`, so humans rate on the judge's own two points.
import { describe, expect, it } from "vitest";
import { assay } from "../helpers/cli.ts";
import { workspace } from "../helpers/workspace.ts";

describe("assay review create on the demo suite", () => {
  it("gives a two-point queue on the verifier's scale", () => {
    const dir = workspace();
    const ran = assay(dir, "run", "demo-arithmetic/add-3digit", "--limit", "2");
    expect(ran.code, ran.stderr).toBe(0);
    const r = assay(dir, "review", "create", "demo", "--run", "1");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("rubric verifier: verifier (incorrect = 0, correct = 1)");
    const status = JSON.parse(assay(dir, "review", "status", "demo", "--json").stdout);
    expect(status.queue.rubric.points.map((p: { key: string; score: number; label: string }) => [p.key, p.score, p.label])).toEqual([
      ["1", 0, "incorrect"],
      ["2", 1, "correct"],
    ]);
  }, 120_000);
});
