// Data a prompt would print wrongly is refused when the suite loads: objects and lists
// ("[object Object]", "a,b"), inherited names, lookups into text.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors.ts";
import { prepareTask } from "../../src/suite/prepare.ts";
import { loadRegistry } from "../../src/suite/registry.ts";
import { jsonl, workspace } from "../helpers/workspace.ts";

const suite = (prompt: string) => `suite: s
tasks:
  - id: t
    dataset: data/d.jsonl
    prompt: ${JSON.stringify(prompt)}
    target: "{{answer}}"
    scorers: [includes]
`;
async function prepare(prompt: string, rows: object[]) {
  const dir = workspace({ "suites/s.yaml": suite(prompt), "suites/data/d.jsonl": jsonl(rows) });
  const registry = await loadRegistry(join(dir, "suites"), dir);
  return prepareTask(registry.select([])[0], dir);
}
async function problems(prompt: string, rows: object[]): Promise<string[]> {
  const error = await prepare(prompt, rows).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).problems;
}

describe("printed fields", () => {
  it("an object or list printed into a prompt is a located error naming the helper to use", async () => {
    expect(
      await problems("Q: {{q}}", [
        { q: "fine", answer: "a" },
        { q: { x: 1 }, answer: "b" },
        { q: ["x", "y"], answer: "c" },
      ]),
    ).toEqual([
      'suites/data/d.jsonl:2: field "q" is an object, which {{q}} prints as "[object Object]": write {{json q}}',
      'suites/data/d.jsonl:3: field "q" is a list, which {{q}} prints as "x,y": write {{join q ", "}} or {{json q}}',
    ]);
    expect(await problems("Q", [{ answer: { a: 1 } }])).toEqual([
      'suites/data/d.jsonl:1: field "answer" is an object, which {{answer}} prints as "[object Object]": write {{json answer}}',
    ]);
  });

  it("the helpers print them", async () => {
    const task = await prepare('Q: {{json q}} / {{join tags ", "}} / {{#each tags}}<{{this}}>{{/each}}', [
      { q: { x: 1 }, tags: ["a", "b"], answer: "y" },
    ]);
    expect(task.itemCount).toBe(1);
  });

  it("a name inherited from Object.prototype is not a field; a lookup into text is an error, not a crash", async () => {
    expect(await problems("Q: {{constructor}}", [{ q: 1, answer: "a" }])).toEqual([
      'suites/data/d.jsonl:1: template variable "constructor" is not a field of this item (fields: q, answer)',
    ]);
    expect(await problems("Q: {{q.length}}", [{ q: "abc", answer: "a" }])).toEqual([
      'suites/data/d.jsonl:1: template variable "q.length": field "q" is a string, not an object',
    ]);
    expect(await problems("{{#each q}}{{this.length}}{{/each}}", [{ q: ["ab"], answer: "a" }])).toEqual([
      expect.stringMatching(/^suites\/data\/d\.jsonl:1: template error: /),
    ]);
  });

  it("a field printed only inside {{#if}} may be absent", async () => {
    expect((await prepare("Q{{#if hint}} ({{hint}}){{/if}}", [{ answer: "a" }, { hint: "h", answer: "b" }])).itemCount).toBe(2);
  });
});
