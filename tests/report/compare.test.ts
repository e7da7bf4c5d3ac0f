// Paired comparison of stored runs: McNemar on pass/fail, paired bootstrap on scores and
// corpus metrics, matched on item ids.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { runEval } from "../../src/run/run-eval.ts";
import { defineTask } from "../../src/suite/define-task.ts";
import { compareRuns, type ComparisonRow } from "../../src/report/compare.ts";
import { mcnemar, tangoInterval } from "../../src/stats/paired.ts";
import { openStore } from "../../src/store/db.ts";
import type { Provider } from "../../src/provider/types.ts";
import { workspace } from "../helpers/workspace.ts";
import { assayEntry } from "../helpers/cli.ts";

const items = Array.from({ length: 30 }, (_, i) => ({ id: `q${i}`, n: i, answer: `word${i} is right here in the old box` }));
const task = defineTask({
  suite: "c",
  id: "t",
  items,
  prompt: "{{n}}",
  target: "{{answer}}",
  strategies: ["zero-shot", "chain-of-thought"],
  scorers: ["exact-match", "edit-distance", "bleu"],
});
/** Right on items where `right(i)`; a near miss otherwise. */
const model = (id: string, right: (i: number) => boolean): Provider => ({
  id,
  generate: async (p) => {
    const i = Number.parseInt(p.text, 10);
    return {
      text: right(i) ? `word${i} is right here in the old box` : `word${i} was right there in a box`,
      finishReason: "stop",
      latencyMs: 0,
    };
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
    const expected = mcnemar(
      items.map((_, i) => weak(i)),
      items.map((_, i) => strong(i)),
    );
    expect(em).toMatchObject({
      test: expected.test,
      n: 30,
      pValue: expected.pValue,
      difference: expected.difference,
      ci: expected.interval,
    });
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

describe("assay compare: bounded intervals, unknown sides, narrow rows, unscored counts", () => {
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [...assayEntry, "compare", ...args], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  const passFail = (n: number) =>
    defineTask({
      suite: "c",
      id: "pf",
      items: Array.from({ length: n }, (_, i) => ({ id: `q${i}`, n: i, answer: `a${i}` })),
      prompt: "{{n}}",
      target: "{{answer}}",
      scorers: ["exact-match"],
    });
  const answers = (id: string, right: (i: number) => boolean): Provider => ({
    id,
    generate: async (p) => {
      const i = Number.parseInt(p.text, 10);
      return { text: right(i) ? `a${i}` : "wrong", finishReason: "stop", latencyMs: 0 };
    },
  });

  it("38 of 40 pairs discordant: the interval stays inside [-1, 1] (Wald said [0.882, 1.018])", async () => {
    const db = join(workspace(), "wide.db");
    await runEval({ db, tasks: [passFail(40)], models: [answers("test:none", () => false)] });
    await runEval({ db, tasks: [passFail(40)], models: [answers("test:most", (i) => i < 38)] });
    const store = openStore(db);
    const [row] = compareRuns(store, { run: 1 }, { run: 2 });
    store.close();
    expect(row.difference).toBeCloseTo(0.95, 12);
    expect(row.ci[1]).toBeLessThanOrEqual(1);
    expect(row.ci[0]).toBeGreaterThanOrEqual(-1);
    expect(row.ci).toEqual(tangoInterval(40, 0, 38));
  });

  it("4 items all discordant: a wide interval and an honest MDE in the table and the JSON", async () => {
    const db = join(workspace(), "four.db");
    await runEval({ db, tasks: [passFail(4)], models: [answers("test:none", () => false)] });
    await runEval({ db, tasks: [passFail(4)], models: [answers("test:all", () => true)] });
    const r = cli("1", "2", "--db", db);
    expect(r.status).toBe(0);
    const row = r.stdout.split("\n").find((l) => l.startsWith("c/pf"))!;
    // Was: +1.000  [1.000, 1.000]  0.125  mcnemar-exact  4  0.000
    expect(row).toMatch(/^c\/pf\s+exact-match\s+0\.000\s+1\.000\s+\+1\.000\s+\[0\.020, 1\.000\]\s+0\.125\s+exact\s+4\s+>1$/);
    expect(r.stdout).toContain("test: exact = McNemar exact binomial\n");
    const json = JSON.parse(cli("1", "2", "--db", db, "--json").stdout);
    expect(json[0]).toMatchObject({ n: 4, difference: 1, minimumDetectableEffect: null, a: { unscored: 0 }, b: { unscored: 0 } });
    expect(json[0].pValue).toBeCloseTo(0.125, 12);
  });

  it("names an unknown strategy or model and lists the known ones", async () => {
    const db = join(workspace(), "names.db");
    await runEval({ db, tasks: [task], models: [model("test:m", () => true)] });
    const s = cli("1", "1", "--db", db, "--a-strategy", "zero-shot", "--b-strategy", "nosuch");
    expect(s.status).toBe(2);
    expect(s.stderr).toContain('--b-strategy: run 1 has no strategy "nosuch" (known: zero-shot, chain-of-thought)');
    expect(s.stderr).not.toMatch(/share no task|\n\s+at /);
    const m = cli("1", "1", "--db", db, "--a-model", "test:n", "--b-model", "test:m");
    expect(m.status).toBe(2);
    expect(m.stderr).toContain('--a-model: run 1 has no model "test:n"; did you mean "test:m"? (known: test:m)');
    const both = cli("1", "1", "--db", db, "--a-model", "x", "--b-strategy", "y");
    expect(both.stderr).toMatch(/--a-model: run 1 has no model "x".*\n.*--b-strategy: run 1 has no strategy "y"/);
  });

  it("puts the sides in header lines and fits 120 columns; JSON counts unscored per side", async () => {
    const items = Array.from({ length: 12 }, (_, i) => ({
      id: `item-${i}`,
      n: i,
      choices: ["red", "blue"],
      answer: i < 8 ? ["red", "blue"][i % 2] : "green",
    }));
    const long = defineTask({
      suite: "demo",
      id: "translation-en-fr",
      items,
      prompt: "{{n}}",
      target: "{{answer}}",
      strategies: ["zero-shot", "chain-of-thought"],
      scorers: ["exact-match", "edit-distance", "choice"],
    });
    const colours = (id: string, right: (i: number) => boolean): Provider => ({
      id,
      generate: async (p) => {
        const i = Number.parseInt(p.text, 10);
        return { text: right(i) ? ["red", "blue"][i % 2] : "green", finishReason: "stop", latencyMs: 0 };
      },
    });
    const db = join(workspace(), "wide-names.db");
    await runEval({ db, tasks: [long], models: [colours("openai:gpt-4o-mini-2024-07-18", (i) => i % 3 === 0)] });
    await runEval({ db, tasks: [long], models: [colours("openai:gpt-4.1-nano-2025-04-14", (i) => i % 2 === 0)] });
    const r = cli("1", "2", "--db", db);
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("A: run 1  openai:gpt-4o-mini-2024-07-18");
    expect(lines[1]).toBe("B: run 2  openai:gpt-4.1-nano-2025-04-14");
    expect(lines[2]).toMatch(/^task\s+strategy\s+metric\s+A\s+B\s+B - A\s+95% CI\s+p\s+test\s+n\s+MDE$/);
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(120);
    expect(lines.filter((l) => l.startsWith("demo/translation-en-fr"))).toHaveLength(6);
    expect(r.stdout).toContain(
      "unscored (left out): demo/translation-en-fr zero-shot choice: A 4, B 4\nunscored (left out): demo/translation-en-fr chain-of-thought choice: A 4, B 4",
    );
    const json = JSON.parse(cli("1", "2", "--db", db, "--json").stdout) as ComparisonRow[];
    const choice = json.find((row) => row.metric === "choice" && row.a.strategy === "zero-shot")!;
    expect(choice.a).toEqual({ model: "openai:gpt-4o-mini-2024-07-18", strategy: "zero-shot", value: expect.any(Number), unscored: 4 });
    expect(choice.b.unscored).toBe(4);
    expect(choice.n).toBe(8);
    expect(json.find((row) => row.metric === "exact-match")!.a.unscored).toBe(0);
  });
});
