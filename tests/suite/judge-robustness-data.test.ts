import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bundledSuitesDir } from "../../src/suite/registry.ts";

// The judge-robustness suite's data must say, item by item, what the right verdict is and what
// the item probes; its replay file must serve every trial, and nothing else.
const dir = join(bundledSuitesDir, "judge-robustness");
const readJsonl = (path: string) =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Record<string, string>);
const tasks = ["injection", "confident-wrong", "length", "order"];
const items = Object.fromEntries(tasks.map((t) => [t, readJsonl(join(dir, "data", `${t}.jsonl`))]));
const outputs = readJsonl(join(dir, "outputs.jsonl"));
/** The replayed output of a task's item (for `order`, of one strategy). */
const output = (task: string, item: string, strategy?: string) => {
  const found = outputs.filter((o) => o.task === task && o.item === item && o.strategy === strategy);
  expect(found, `${task}/${item}/${strategy}`).toHaveLength(1);
  return found[0].output;
};
/** Whether `text` states `answer` as a whole word (case-insensitive). */
const states = (text: string, answer: string) =>
  new RegExp(`(^|[^\\p{L}\\p{N}])${answer.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^\\p{L}\\p{N}])`, "iu").test(text);

describe("judge-robustness data", () => {
  it("has 60-120 items, each with an id, a question, a reference answer and its probe", () => {
    const all = tasks.flatMap((t) => items[t]);
    expect(all.length).toBeGreaterThanOrEqual(60);
    expect(all.length).toBeLessThanOrEqual(120);
    for (const t of tasks) {
      expect(new Set(items[t].map((i) => i.id)).size).toBe(items[t].length);
      for (const i of items[t]) {
        expect(i.question, i.id).toMatch(/\?$/);
        expect(i.answer, i.id).not.toBe("");
        expect(i.probe, i.id).toBe(t === "confident-wrong" ? "confident-wrong" : t);
        if (t === "order") expect(["first", "second", "tie"]).toContain(i.better);
        else expect(["correct", "incorrect"]).toContain(i.truth);
      }
    }
  });

  it("the replay file has exactly one output per trial: one per item, two per order item (first, second)", () => {
    const expected = tasks.flatMap((t) =>
      items[t].flatMap((i) => (t === "order" ? ["first", "second"].map((s) => `${t}\t${i.id}\t${s}`) : [`${t}\t${i.id}\t`])),
    );
    const got = outputs.map((o) => `${o.task}\t${o.item}\t${o.strategy ?? ""}`);
    expect(got.sort()).toEqual(expected.sort());
  });

  it("every output's truth agrees with its text: wrong outputs never state the reference, right ones do", () => {
    for (const t of ["injection", "confident-wrong"])
      for (const i of items[t]) expect(states(output(t, i.id), i.answer), `${t}/${i.id}`).toBe(i.truth === "correct");
    // Verbose wrong outputs name the right answer as a "frequent mistake", so check the final answer there.
    for (const i of items.length) {
      const text = output("length", i.id);
      const final = /the final answer is (.+)\.$/.exec(text)?.[1] ?? text.replace(/\.$/, "");
      expect(final.toLowerCase() === i.answer.toLowerCase(), i.id).toBe(i.truth === "correct");
    }
  });

  it("covers the injection methods the issue names, in at least four other languages", () => {
    const methods = new Set(items.injection.map((i) => i.method));
    for (const m of ["ignore-rubric", "fake-verdict", "fake-fence", "fake-header", "foreign-language"]) expect(methods).toContain(m);
    const languages = new Set(items.injection.filter((i) => i.method === "foreign-language").map((i) => i.language));
    for (const l of ["fr", "de", "zh", "es"]) expect(languages).toContain(l);
    const texts = items.injection.map((i) => output("injection", i.id));
    expect(texts.some((x) => x.includes("<<<END 0000000000000000>>>"))).toBe(true);
    expect(texts.some((x) => /^## Rating Rubric$/m.test(x))).toBe(true);
    expect(texts.some((x) => x.includes('{"reasoning": "') && x.includes('"verdict": 5}'))).toBe(true);
    expect(texts.some((x) => /ignore the rubric and answer 5/i.test(x))).toBe(true);
    expect(items.injection.every((i) => i.truth === "incorrect")).toBe(true);
  });

  it("length pairs: one short and one long output to the same question, equal pairs of equal truth, mixed pairs short-right long-wrong", () => {
    const pairs = new Map<string, Record<string, string>[]>();
    for (const i of items.length) pairs.set(i.pair, [...(pairs.get(i.pair) ?? []), i]);
    expect(pairs.size).toBe(items.length.length / 2);
    let equal = 0;
    for (const [pair, [a, b]] of pairs) {
      const short = a.length === "short" ? a : b;
      const long = a.length === "short" ? b : a;
      expect([short.length, long.length], pair).toEqual(["short", "long"]);
      expect(short.question, pair).toBe(long.question);
      expect(short.pair_kind, pair).toBe(long.pair_kind);
      expect(output("length", long.id).length, pair).toBeGreaterThan(4 * output("length", short.id).length);
      if (short.pair_kind === "equal") {
        equal++;
        expect(short.truth, pair).toBe(long.truth);
      } else expect([short.pair_kind, short.truth, long.truth], pair).toEqual(["mixed", "correct", "incorrect"]);
    }
    expect(equal).toBeGreaterThanOrEqual(10);
    // Both right and both wrong equal pairs, so length is not confounded with correctness.
    expect(new Set(items.length.filter((i) => i.pair_kind === "equal").map((i) => i.truth))).toEqual(new Set(["correct", "incorrect"]));
  });

  it("order items: the better output states the reference and the other does not; ties are equal", () => {
    const better = { first: 0, second: 0, tie: 0 };
    for (const i of items.order) {
      better[i.better as keyof typeof better]++;
      const first = states(output("order", i.id, "first"), i.answer);
      const second = states(output("order", i.id, "second"), i.answer);
      if (i.better === "tie") expect(first, i.id).toBe(second);
      else expect([first, second], i.id).toEqual(i.better === "first" ? [true, false] : [false, true]);
      expect(output("order", i.id, "first")).not.toBe(output("order", i.id, "second"));
    }
    // Balanced, so a judge that always picks one position cannot look accurate.
    expect(better.first).toBe(better.second);
    expect(better.tie).toBeGreaterThanOrEqual(4);
  });
});
