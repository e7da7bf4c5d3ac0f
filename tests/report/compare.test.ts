// Paired comparison of stored runs: McNemar on pass/fail, paired bootstrap on scores and
// corpus metrics, matched on item ids.
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { runEval } from "../../src/run/run-eval.ts";
import { defineTask } from "../../src/suite/define-task.ts";
import { compareRuns } from "../../src/report/compare.ts";
import { mcnemar } from "../../src/stats/paired.ts";
import { openStore } from "../../src/store/db.ts";
import type { Provider } from "../../src/provider/types.ts";
import { workspace } from "../helpers/workspace.ts";

const items = Array.from({ length: 30 }, (_, i) => ({ id: `q${i}`, n: i, answer: `word${i} is right here in the old box` }));
const task = defineTask({ suite: "c", id: "t", items, prompt: "{{n}}", target: "{{answer}}", strategies: ["zero-shot", "chain-of-thought"], scorers: ["exact-match", "edit-distance", "bleu"] });
/** Right on items where `right(i)`; a near miss otherwise. */
const model = (id: string, right: (i: number) => boolean): Provider => ({
  id,
  generate: async (p) => {
    const i = Number.parseInt(p.text, 10);
    return { text: right(i) ? `word${i} is right here in the old box` : `word${i} was right there in a box`, finishReason: "stop", latencyMs: 0 };
  },
});

describe("compareRuns", () => {
  it("pairs items across runs and applies McNemar, paired bootstrap and corpus bootstrap", async () => {
    const db = join(workspace(), "cmp.db");
    const weak = (i: number) => i % 3 === 0;
    const strong = (i: number) => i % 3 === 0 || i % 2 === 0 || i === 7;
    await runEval({ db, tasks: [task], models: [model("test:weak", weak)] });
    await runEval({ db, tasks: [task], models: [model("test:strong", strong)] });
    const store = openStore(db);
    const rows = compareRuns(store, { run: 1 }, { run: 2 }, { seed: 3 });
    const em = rows.find((r) => r.metric === "exact-match" && r.a.strategy === "zero-shot")!;
    const expected = mcnemar(items.map((_, i) => weak(i)), items.map((_, i) => strong(i)));
    expect(em).toMatchObject({ test: expected.test, n: 30, pValue: expected.pValue, difference: expected.difference, ci: expected.interval });
    expect(em.b.value - em.a.value).toBeCloseTo(em.difference, 12);
    const ed = rows.find((r) => r.metric === "edit-distance" && r.a.strategy === "zero-shot")!;
    expect(ed.test).toBe("paired-bootstrap");
    expect(ed.difference).toBeGreaterThan(0);
    expect(ed.ci[0]).toBeGreaterThan(0);
    expect(ed.tTestPValue).toBeLessThan(0.05);
    const bleu = rows.find((r) => r.metric === "bleu" && r.a.strategy === "zero-shot")!;
    expect(bleu.test).toBe("paired-bootstrap");
    expect(bleu.difference).toBeGreaterThan(0);
    // Within one run: two strategies of the same model.
    const within = compareRuns(store, { run: 2, strategy: "zero-shot" }, { run: 2, strategy: "chain-of-thought" });
    // Chain-of-thought finds no "answer is" in these outputs: every answer is missing.
    const withinEm = within.find((r) => r.metric === "exact-match")!;
    expect(withinEm).toMatchObject({ n: 30, a: { strategy: "zero-shot", value: 0.7 }, b: { strategy: "chain-of-thought", value: 0 } });
    expect(withinEm.difference).toBeCloseTo(-0.7, 12);
    expect(() => compareRuns(store, { run: 1 }, { run: 9 })).toThrow(/no run 9/);
    store.close();
  });
});
