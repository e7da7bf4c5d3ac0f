// The demo suites' eval items are held out: none of their questions appears anywhere in the
// demo model's training corpus, which the generator regenerates here from its fixed seed.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import Handlebars from "handlebars";
import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { evalSets, trainingCorpus } from "../../scripts/demo/corpus.ts";
import { defaultDocuments } from "../../scripts/demo/generate.ts";
import { stringRules } from "../../scripts/demo/strings.ts";

const suites = join(import.meta.dirname, "../../suites/demo");
type Task = { id: string; dataset: string; exemplars?: string; prompt: string };
const readJsonl = (path: string): Record<string, unknown>[] =>
  readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);

const tasks = readdirSync(suites)
  .filter((f) => f.endsWith(".yaml"))
  .flatMap((f) => (parse(readFileSync(join(suites, f), "utf8")) as { tasks: Task[] }).tasks);

/** The question inside a rendered prompt: what must never have been trained on. */
const questionPatterns = [/What is \d+ [+-] \d+\?/g, /Transform: [a-z]+ ->/g, /English: [a-z ]+\n/g];

describe("demo suites are held out from the training corpus", () => {
  let corpusQuestions: Set<string>;
  let corpusPrompts: Set<string>;

  beforeAll(() => {
    corpusQuestions = new Set();
    corpusPrompts = new Set();
    for (const doc of trainingCorpus(defaultDocuments)) {
      const text = doc.map((s) => s.text).join("");
      for (const pattern of questionPatterns) for (const m of text.matchAll(pattern)) corpusQuestions.add(m[0]);
      // Every demonstration or query in a document starts after a blank line.
      for (const unit of text.split("\n\n")) {
        for (const end of ["?\nA:", " ->", "\nZorbish:", "\nCheck:"]) {
          const i = unit.indexOf(end);
          if (i >= 0) corpusPrompts.add(unit.slice(0, i + end.length));
        }
      }
    }
  });

  it("the committed suite data is what the generator draws from its seed", () => {
    const sets = evalSets();
    const expected: Record<string, unknown[]> = {
      "add.test.jsonl": sets.add.test,
      "sub.test.jsonl": sets.sub.test,
      "translate.test.jsonl": sets.translation.test,
      "verify.test.jsonl": sets.verification.test,
      "transform.test.jsonl": stringRules.flatMap((rule) => sets.strings[rule].test),
      "transform.exemplars.jsonl": stringRules.flatMap((rule) => sets.strings[rule].pool),
    };
    for (const [file, items] of Object.entries(expected)) expect(readJsonl(join(suites, "data", file)), file).toEqual(items);
  });

  it("the corpus was indexed", () => {
    expect(corpusPrompts.size).toBeGreaterThan(50_000);
    expect(corpusQuestions.size).toBeGreaterThan(50_000);
  });

  for (const task of tasks) {
    it(`${task.id}: no eval prompt or question occurs in training, and no exemplar is an eval item`, () => {
      const render = Handlebars.compile(task.prompt, { noEscape: true });
      const items = readJsonl(join(suites, task.dataset));
      expect(items.length).toBeGreaterThanOrEqual(40);
      const prompts = items.map((item) => render(item));
      for (const prompt of prompts) {
        expect(corpusPrompts.has(prompt), prompt).toBe(false);
        for (const pattern of questionPatterns) {
          for (const m of `${prompt}\n`.matchAll(pattern)) expect(corpusQuestions.has(m[0]), m[0]).toBe(false);
        }
      }
      // The verification task is judged zero-shot: it has no exemplar pool.
      const evalPrompts = new Set(prompts);
      for (const exemplar of task.exemplars ? readJsonl(join(suites, task.exemplars)) : [])
        expect(evalPrompts.has(render(exemplar))).toBe(false);
    });
  }

  it("the check would notice a leak: training prompts are found in the index", () => {
    const doc = trainingCorpus(1)[0]
      .map((s) => s.text)
      .join("");
    const firstUnit = doc.split("\n\n")[0];
    const prompt = ["?\nA:", " ->", "\nZorbish:", "\nCheck:"]
      .map((end) => (firstUnit.includes(end) ? firstUnit.slice(0, firstUnit.indexOf(end) + end.length) : ""))
      .find((p) => p !== "");
    expect(corpusPrompts.has(prompt!)).toBe(true);
  });
});
