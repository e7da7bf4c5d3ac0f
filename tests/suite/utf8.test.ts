// Text that is not UTF-8 is refused at its file and line instead of becoming U+FFFD.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadRegistry } from "../../src/suite/registry.ts";
import { prepareTask } from "../../src/suite/prepare.ts";
import { jsonl, workspace } from "../helpers/workspace.ts";

const latin1 = (text: string) => Buffer.from(text, "latin1");
const writeBytes = (dir: string, path: string, bytes: Buffer) => {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), bytes);
};

const suite = (dataset: string, prompt = 'prompt: "Q: {{q}}"') => `suite: s
tasks:
  - id: t
    dataset: ${dataset}
    ${prompt}
    target: "{{a}}"
    scorers: [exact-match]
`;

async function problemsOf(dir: string): Promise<string> {
  try {
    const registry = await loadRegistry(join(dir, "suites"), dir);
    registry.select([]).map((t) => prepareTask(t, dir));
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected the input to be refused");
}

describe("non-UTF-8 input", () => {
  it("a JSONL dataset with a Latin-1 byte is refused at its line", async () => {
    const dir = workspace({ "suites/s.yaml": suite("data/d.jsonl") });
    writeBytes(dir, "suites/data/d.jsonl", Buffer.concat([Buffer.from(jsonl([{ q: "ok", a: "1" }])), latin1('{"q": "café", "a": "2"}\n')]));
    expect(await problemsOf(dir)).toMatch(/^suites\/data\/d\.jsonl:2: data file is not valid UTF-8 \(bytes e9 22 2c 20 at column 11\)/);
  });

  it("CSV and JSON datasets too", async () => {
    const csv = workspace({ "suites/s.yaml": suite("data/d.csv") });
    writeBytes(csv, "suites/data/d.csv", latin1("q,a\nok,1\nnaïve,2\n"));
    expect(await problemsOf(csv)).toMatch(/^suites\/data\/d\.csv:3: data file is not valid UTF-8/);
    const json = workspace({ "suites/s.yaml": suite("data/d.json") });
    writeBytes(json, "suites/data/d.json", latin1('[\n  {"q": "ok", "a": "1"},\n  {"q": "é", "a": "2"}\n]\n'));
    expect(await problemsOf(json)).toMatch(/^suites\/data\/d\.json:3: data file is not valid UTF-8/);
  });

  it("a suite file, whose problem is its own and located", async () => {
    const dir = workspace({ "suites/data/d.jsonl": jsonl([{ q: "x", a: "y" }]) });
    writeBytes(dir, "suites/s.yaml", latin1(suite("data/d.jsonl").replace("Q: {{q}}", "Qué: {{q}}")));
    expect(await problemsOf(dir)).toMatch(/^suites\/s\.yaml:5: suite is not valid UTF-8/);
  });

  it("a prompt_file template", async () => {
    const dir = workspace({
      "suites/s.yaml": suite("data/d.jsonl", "prompt_file: prompt.hbs"),
      "suites/data/d.jsonl": jsonl([{ q: "x", a: "y" }]),
    });
    writeBytes(dir, "suites/prompt.hbs", latin1("Line one\nRéponds: {{q}}\n"));
    expect(await problemsOf(dir)).toMatch(
      /^suites\/s\.yaml:5 tasks\[0\]\.prompt_file: suites\/prompt\.hbs:2: prompt file is not valid UTF-8/,
    );
  });
});
