// Datasets report every bad line (the first 20, then a count), duplicate JSON keys included,
// and template syntax errors are reported whole at the template's own line.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors.ts";
import { readDataset } from "../../src/suite/data.ts";
import { prepareTask } from "../../src/suite/prepare.ts";
import { loadRegistry } from "../../src/suite/registry.ts";
import { workspace } from "../helpers/workspace.ts";

const problemsOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).problems;
  }
  throw new Error("expected problems");
};
const dataset = (name: string, text: string) => {
  const dir = workspace({ [name]: text });
  return () => readDataset(join(dir, name), name);
};

describe("dataset problems", () => {
  it("JSONL: every bad line, not only the first", () => {
    const text = ['{"q": 1}', "{bad", '{"q": 2}', "[1, 2]", '{"id": {"x": 1}}', '{"id": "a", "q": 1}', '{"id": "a", "q": 2}'].join("\n");
    const found = problemsOf(dataset("d.jsonl", text));
    expect(found.map((p) => p.slice(0, p.indexOf(": ")))).toEqual(["d.jsonl:2", "d.jsonl:4", "d.jsonl:5", "d.jsonl:7"]);
    expect(found.slice(1)).toEqual([
      "d.jsonl:4: each line must be a JSON object",
      "d.jsonl:5: field id must be a string or a number",
      'd.jsonl:7: duplicate item id "a" (first at d.jsonl:6)',
    ]);
  });

  it("JSONL: at most 20 listed, then how many more", () => {
    const found = problemsOf(dataset("d.jsonl", Array.from({ length: 50 }, (_, i) => (i % 2 ? "{" : `{"q": ${i}}`)).join("\n")));
    expect(found).toHaveLength(21);
    expect(found[0]).toMatch(/^d\.jsonl:2: /);
    expect(found[19]).toMatch(/^d\.jsonl:40: /);
    expect(found[20]).toBe("... and 5 more");
  });

  it("JSONL: a repeated key in a line is an error at its line", () => {
    expect(problemsOf(dataset("d.jsonl", '{"a": 1}\n{"a": 1, "b": {"c": 2, "c": 3}}\n{"a": 2, "a": 1}\n'))).toEqual([
      'd.jsonl:2: duplicate key "c"; each key may appear once in an object',
      'd.jsonl:3: duplicate key "a"; each key may appear once in an object',
    ]);
    expect(dataset("d.jsonl", '{"a": "{\\"a\\": 1}", "b": [{"a": 1}, {"a": 2}]}\n')()).toHaveLength(1);
  });

  it("CSV: every bad row, and a repeated column", () => {
    const found = problemsOf(dataset("d.csv", "q,a,q\n1,2,3\n4,5\n6,7,8\n9,10,11,12\n"));
    expect(found).toEqual([
      'd.csv:1: column "q" appears twice in the header',
      "d.csv:3: columns length is 3, got 2",
      "d.csv:5: columns length is 3, got 4",
    ]);
  });

  it("JSON array: every bad element", () => {
    expect(problemsOf(dataset("d.json", '[\n  {"q": 1},\n  2,\n  {"q": 3},\n  "x"\n]\n'))).toEqual([
      "d.json:3: each element must be an object",
      "d.json:5: each element must be an object",
    ]);
  });
});

describe("template syntax errors", () => {
  const suite = (prompt: string) => `suite: s
tasks:
  - id: t
    items: [{ q: x }]
${prompt}
    target: "{{q}}"
    scorers: [includes]
`;
  const problems = async (files: Record<string, string>) => {
    const dir = workspace(files);
    const registry = await loadRegistry(join(dir, "suites"), dir);
    return problemsOf(() => registry.select([]).map((t) => prepareTask(t, dir)));
  };

  it("are whole and at the prompt's YAML line (inline) or the template's own line (block)", async () => {
    const [inline] = await problems({ "suites/s.yaml": suite('    prompt: "Q: {{q}"') });
    expect(inline).toBe(
      "suites/s.yaml:5 tasks[0].prompt: template syntax error:\n  Q: {{q}\n  ------^\n  Expecting 'CLOSE_RAW_BLOCK', 'CLOSE', 'CLOSE_UNESCAPED', 'OPEN_SEXPR', 'CLOSE_SEXPR', 'ID', 'OPEN_BLOCK_PARAMS', 'STRING', 'NUMBER', 'BOOLEAN', 'UNDEFINED', 'NULL', 'DATA', 'SEP', got 'INVALID'",
    );
    const [block] = await problems({ "suites/s.yaml": suite("    prompt: |\n      Question:\n      {{#if q}}{{q}}\n      Answer:") });
    expect(block).toMatch(
      /^suites\/s\.yaml:8 tasks\[0\]\.prompt: template syntax error:\n {2}.*\n {2}-+\^\n {2}Expecting 'OPEN_INVERSE_CHAIN', 'INVERSE', 'OPEN_ENDBLOCK', got 'EOF'$/,
    );
    const [quoted] = await problems({ "suites/s.yaml": suite('    prompt: "line one\\n{{#if q}}{{/each}}"') });
    expect(quoted).toBe("suites/s.yaml:5 tasks[0].prompt: template syntax error on template line 2: if doesn't match each");
  });

  it("in a prompt_file are at that file's line", async () => {
    const [problem] = await problems({ "suites/s.yaml": suite("    prompt_file: p.hbs"), "suites/p.hbs": "Question:\n\n{{q}} {{/if}}\n" });
    expect(problem).toMatch(/^suites\/p\.hbs:3: template syntax error:\n/);
  });
});
