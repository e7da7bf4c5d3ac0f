import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { loadRegistry } from "../../src/suite/registry.ts";
import { prepareTask } from "../../src/suite/prepare.ts";
import { ValidationError, UserError } from "../../src/errors.ts";
import { jsonl, workspace } from "../helpers/workspace.ts";

const goodSuite = `suite: arith
description: addition
version: 2
defaults: { generation: { temperature: 0, max_tokens: 16 } }
tasks:
  - id: add
    dataset: data/add.jsonl
    exemplars: data/add.train.jsonl
    prompt: "Q: {{a}} + {{b}}?\\nA:"
    target: "{{answer}}"
    strategies: [zero-shot, { name: few-shot, k: 2, sampler: first }]
    scorers: [exact-match]
    tags: [math]
`;

async function loadOne(files: Record<string, string>) {
  const dir = workspace(files);
  const registry = await loadRegistry(join(dir, "suites"), dir);
  return { dir, tasks: registry.select([]).map((t) => prepareTask(t, dir)) };
}

async function problemsOf(files: Record<string, string>): Promise<string> {
  try {
    await loadOne(files);
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return (error as Error).message;
  }
  throw new Error("expected the suite to be rejected");
}

describe("suite loading", () => {
  it("loads a suite: items keyed by id or line number, merged generation, tags", async () => {
    const { tasks } = await loadOne({
      "suites/arith.yaml": goodSuite,
      "suites/data/add.jsonl":
        jsonl([
          { a: 1, b: 2, answer: "3" },
          { id: "x7", a: 2, b: 2, answer: "4" },
        ]) +
        "\n" +
        jsonl([{ a: 5, b: 5, answer: "10" }]),
      "suites/data/add.train.jsonl": jsonl([
        { a: 9, b: 9, answer: "18" },
        { a: 8, b: 8, answer: "16" },
      ]),
    });
    expect(tasks).toHaveLength(1);
    const t = tasks[0];
    expect(t.suite).toBe("arith");
    expect(t.suiteVersion).toBe("2");
    expect([...t.readItems()].map((i) => i.key)).toEqual(["1", "x7", "4"]);
    expect(t.generation).toEqual({ temperature: 0, max_tokens: 16 });
    expect(t.strategies.map((s) => [s.label, s.options])).toEqual([
      ["zero-shot", {}],
      ["few-shot", { k: 2, sampler: "first" }],
    ]);
    expect(t.tags).toEqual(["math"]);
  });

  it("reads CSV and JSON datasets with their line numbers", async () => {
    const csvSuite = goodSuite
      .replace("data/add.jsonl", "data/add.csv")
      .replace("exemplars: data/add.train.jsonl", "exemplars: data/add.train.json");
    const { tasks } = await loadOne({
      "suites/arith.yaml": csvSuite,
      "suites/data/add.csv": 'a,b,answer\n1,2,3\n"4",5,9\n',
      "suites/data/add.train.json": '[\n  {"a": 7, "b": 1, "answer": "8"},\n  {"a": 6, "b": 1, "answer": "7"}\n]\n',
    });
    expect([...tasks[0].readItems()].map((i) => [i.key, i.fields.answer])).toEqual([
      ["2", "3"],
      ["3", "9"],
    ]);
    expect(tasks[0].loadedExemplars.map((i) => i.location)).toEqual(["suites/data/add.train.json:2", "suites/data/add.train.json:3"]);
  });

  it("rejects an unknown scorer with file:line, the field and a suggestion", async () => {
    const message = await problemsOf({
      "suites/arith.yaml": goodSuite.replace("[exact-match]", "[exact-match, blue]"),
      "suites/data/add.jsonl": "",
      "suites/data/add.train.jsonl": "",
    });
    expect(message).toContain('suites/arith.yaml:12 tasks[0].scorers[1]: unknown scorer "blue"');
    expect(message).toContain('unknown scorer "blue"; did you mean "bleu"?');
  });

  it("rejects unknown fields and bad values with their lines", async () => {
    const bad = goodSuite.replace("    tags: [math]\n", "    tags: [math]\n    promt: oops\n").replace("max_tokens: 16", "max_tokens: -1");
    const message = await problemsOf({ "suites/arith.yaml": bad });
    expect(message).toContain('suites/arith.yaml:6 tasks[0]: unknown field "promt"');
    expect(message).toMatch(/suites\/arith\.yaml:4 defaults\.generation\.max_tokens: /);
  });

  it("names the data file and line of a malformed JSONL line", async () => {
    const message = await problemsOf({
      "suites/arith.yaml": goodSuite,
      "suites/data/add.jsonl": '{"a": 1, "b": 2, "answer": "3"}\n{"a": 1, "b": \n',
      "suites/data/add.train.jsonl": jsonl([{ a: 9, b: 9, answer: "18" }]),
    });
    expect(message).toMatch(/^suites\/data\/add\.jsonl:2: .*JSON/m);
  });

  it("names the item and the variable when a template field is missing", async () => {
    const message = await problemsOf({
      "suites/arith.yaml": goodSuite,
      "suites/data/add.jsonl": jsonl([
        { a: 1, b: 2, answer: "3" },
        { a: 1, answer: "3" },
      ]),
      "suites/data/add.train.jsonl": jsonl([{ a: 9, b: 9, answer: "18" }]),
    });
    expect(message).toContain('suites/data/add.jsonl:2: template variable "b" is not a field of this item (fields: a, answer)');
  });

  it("rejects duplicate item ids and duplicate task ids", async () => {
    const dupItems = await problemsOf({
      "suites/arith.yaml": goodSuite,
      "suites/data/add.jsonl": jsonl([
        { id: 1, a: 1, b: 2, answer: "3" },
        { id: "1", a: 1, b: 3, answer: "4" },
      ]),
      "suites/data/add.train.jsonl": jsonl([{ a: 9, b: 9, answer: "18" }]),
    });
    expect(dupItems).toContain('suites/data/add.jsonl:2: duplicate item id "1" (first at suites/data/add.jsonl:1)');
    const twoTasks = goodSuite + goodSuite.slice(goodSuite.indexOf("  - id: add"));
    const dupTasks = await problemsOf({ "suites/arith.yaml": twoTasks });
    expect(dupTasks).toContain('duplicate task id "add"');
  });

  it("rejects an exemplar pool that overlaps the eval items", async () => {
    const message = await problemsOf({
      "suites/arith.yaml": goodSuite,
      "suites/data/add.jsonl": jsonl([
        { a: 1, b: 2, answer: "3" },
        { a: 4, b: 4, answer: "8" },
      ]),
      "suites/data/add.train.jsonl": jsonl([
        { a: 9, b: 9, answer: "18" },
        { a: 4, b: 4, answer: "8" },
      ]),
    });
    expect(message).toContain("suites/data/add.train.jsonl:2: exemplar is also an eval item (suites/data/add.jsonl:2)");
  });

  it("a few-shot strategy with the default k needs an exemplar pool", async () => {
    const suite = goodSuite
      .replace("    exemplars: data/add.train.jsonl\n", "")
      .replace("{ name: few-shot, k: 2, sampler: first }", "few-shot");
    const message = await problemsOf({ "suites/arith.yaml": suite, "suites/data/add.jsonl": jsonl([{ a: 1, b: 2, answer: "3" }]) });
    expect(message).toContain('strategy "few-shot" needs an exemplar pool (exemplars:)');
  });

  it("few-shot match: every item has the field and k exemplars share each value", async () => {
    const suite = goodSuite.replace("{ name: few-shot, k: 2, sampler: first }", "{ name: few-shot, k: 2, match: op }");
    const items = jsonl([
      { a: 1, b: 2, answer: "3", op: "+" },
      { a: 5, b: 1, answer: "4", op: "-" },
      { a: 2, b: 2, answer: "4" },
    ]);
    const pool = jsonl([
      { a: 9, b: 9, answer: "18", op: "+" },
      { a: 8, b: 1, answer: "9", op: "+" },
      { a: 7, b: 1, answer: "6", op: "-" },
    ]);
    const message = await problemsOf({ "suites/arith.yaml": suite, "suites/data/add.jsonl": items, "suites/data/add.train.jsonl": pool });
    expect(message).toContain('suites/data/add.jsonl:2: strategy "few-shot" needs 2 exemplars with op = "-"; the pool has 1');
    expect(message).toContain('suites/data/add.jsonl:3: strategy "few-shot" matches exemplars on "op", which this item lacks');
    expect(message).not.toContain("add.jsonl:1:");
    const { tasks } = await loadOne({
      "suites/arith.yaml": suite,
      "suites/data/add.jsonl": jsonl([{ a: 1, b: 2, answer: "3", op: "+" }]),
      "suites/data/add.train.jsonl": pool,
    });
    expect(tasks[0].loadedExemplars).toHaveLength(3);
  });

  it("reports problems from every suite file together", async () => {
    const error = await loadOne({ "suites/a.yaml": "suite: a\ntasks: []\n", "suites/b.yaml": "suite: b\ntasks:\n  - id: [x\n" }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValidationError);
    const problems = (error as ValidationError).problems;
    expect(problems.some((p) => p.startsWith("suites/a.yaml:2 tasks"))).toBe(true);
    expect(problems.some((p) => p.startsWith("suites/b.yaml:"))).toBe(true);
  });
});
