// Summary statistics beyond Wilson/t: clustered standard errors and pass@k over repeats.
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { runEval } from "../../src/run/run-eval.ts";
import { defineTask } from "../../src/suite/define-task.ts";
import { clusteredMean } from "../../src/stats/cluster.ts";
import { passAtK } from "../../src/stats/reducers.ts";
import { wilsonInterval } from "../../src/stats/intervals.ts";
import { arithmeticProvider } from "../run/fixtures/counting-provider.ts";
import Database from "better-sqlite3";
import type { Provider } from "../../src/provider/types.ts";
import { workspace } from "../helpers/workspace.ts";

const dir = workspace();

describe("run summaries", () => {
  it("uses clustered standard errors when the task names a cluster field", async () => {
    // Six passages of five questions; the model gets whole passages right or wrong.
    const items = Array.from({ length: 30 }, (_, i) => ({
      id: `q${i}`,
      passage: `p${Math.floor(i / 5)}`,
      a: i,
      b: 0,
      answer: Math.floor(i / 5) % 2 === 0 ? String(i) : "wrong",
    }));
    const task = defineTask({
      suite: "s",
      id: "clustered",
      items,
      prompt: "Q: {{a}} + {{b}}?\nA:",
      target: "{{answer}}",
      scorers: ["exact-match"],
      cluster: "passage",
    });
    const result = await runEval({ db: join(dir, "c.db"), tasks: [task], models: [arithmeticProvider()] });
    const row = result.results[0];
    const expected = clusteredMean(
      items.map((it) => ({ value: it.answer === "wrong" ? 0 : 1, cluster: it.passage })),
      { distribution: "t" },
    );
    expect(row.interval).toBe("cluster");
    expect(row.value).toBe(0.5);
    expect(row.ci).toEqual(expected.interval);
    const naive = wilsonInterval(15, 30);
    expect(row.ci![1] - row.ci![0]).toBeGreaterThan(naive[1] - naive[0]);
  });

  it("reports pass@k from an item's repeated samples with the unbiased estimator", async () => {
    const task = defineTask({
      suite: "s",
      id: "passk",
      items: Array.from({ length: 12 }, (_, i) => ({ id: `i${i}`, a: i, b: 1, answer: String(i + 1) })),
      prompt: "Q: {{a}} + {{b}}?\nA:",
      target: "{{answer}}",
      strategies: [{ name: "zero-shot", generation: { temperature: 1 } }],
      scorers: ["exact-match"],
      repeats: 5,
      passAt: [1, 3],
    });
    const result = await runEval({ db: join(dir, "p.db"), tasks: [task], models: [arithmeticProvider()] });
    const sql = new Database(result.db, { readonly: true });
    const perItem = sql
      .prepare("SELECT SUM(s.value) AS c, COUNT(*) AS n FROM scores s JOIN trials t ON t.id = s.trial_id GROUP BY t.item_id")
      .all() as { c: number; n: number }[];
    sql.close();
    const mean = (k: number) => perItem.reduce((s, r) => s + passAtK(r.n, r.c, k), 0) / perItem.length;
    const byMetric = Object.fromEntries(result.results.map((r) => [r.metric, r]));
    expect(byMetric["exact-match pass@1"].value).toBeCloseTo(mean(1), 12);
    expect(byMetric["exact-match pass@3"].value).toBeCloseTo(mean(3), 12);
    expect(byMetric["exact-match pass@1"].value).toBeCloseTo(byMetric["exact-match"].value!, 12);
    expect(byMetric["exact-match pass@3"].value!).toBeGreaterThan(byMetric["exact-match pass@1"].value!);
    expect(byMetric["exact-match pass@3"]).toMatchObject({ n: 12, interval: "wilson" });
    expect(() => defineTask({ id: "x", items: [{}], prompt: "", scorers: ["includes"], passAt: [2] })).toThrow(
      /pass@2 needs at least 2 samples/,
    );
  });

  it("keeps pass@k intervals inside [0, 1], with a width at the boundary", async () => {
    const items = Array.from({ length: 12 }, (_, i) => ({ id: `i${i}`, a: i, b: 1, answer: String(i + 1) }));
    const task = (id: string) =>
      defineTask({
        suite: "s",
        id,
        items,
        prompt: "Q: {{a}} + {{b}}?\nA:",
        target: "{{answer}}",
        strategies: [{ name: "zero-shot", generation: { temperature: 1 } }],
        scorers: ["exact-match"],
        repeats: 5,
        passAt: [5],
      });
    // Right on every sample of every item except `wrong`, which is never right.
    const provider = (wrong: string | undefined): Provider => ({
      id: `test:all-but-${wrong}`,
      generate: async (prompt, _params, context) => {
        const m = /(\d+) \+ (\d+)/.exec(prompt.text)!;
        const sum = Number(m[1]) + Number(m[2]);
        return { text: String(context.item === wrong ? sum + 1 : sum), finishReason: "stop", latencyMs: 0 };
      },
    });
    const passAt5 = async (wrong: string | undefined) => {
      const result = await runEval({ db: join(dir, `k${wrong ?? "none"}.db`), tasks: [task("k")], models: [provider(wrong)] });
      return result.results.find((r) => r.metric === "exact-match pass@5")!;
    };
    // 11 items at pass@5 = 1 and one at 0: the t interval was [0.733, 1.100].
    const one = await passAt5("i11");
    expect(one.value).toBeCloseTo(11 / 12, 12);
    expect(one).toMatchObject({ n: 12, interval: "wilson", ci: wilsonInterval(11, 12) });
    expect(one.ci![1]).toBeLessThanOrEqual(1);
    // Every item passes: the t interval was [1, 1]; Wilson's keeps a lower bound below 1.
    const all = await passAt5(undefined);
    expect(all.value).toBe(1);
    expect(all.ci).toEqual(wilsonInterval(12, 12));
    expect(all.ci![0]).toBeLessThan(0.8);
  });
});
