// Scorer and strategy options are strict: each bad field is one problem at its own line.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors.ts";
import { defineTask } from "../../src/suite/define-task.ts";
import { loadRegistry } from "../../src/suite/registry.ts";
import { jsonl, workspace } from "../helpers/workspace.ts";

const suite = `suite: x
tasks:
  - id: add
    dataset: data/add.jsonl
    exemplars: data/pool.jsonl
    prompt: "Q: {{a}}?"
    target: "{{answer}}"
    strategies:
      - zero-shot
      - name: few-shot
        k: 1
        sampelr: first
    scorers:
      - includes
      - { name: exact-match, normalise: none }
      - name: exact-match
        label: strict
        normalize: nothing
`;

async function problems(yaml: string): Promise<string[]> {
  const dir = workspace({
    "suites/x.yaml": yaml,
    "suites/data/add.jsonl": jsonl([{ a: 1, answer: "1" }]),
    "suites/data/pool.jsonl": jsonl([{ a: 2, answer: "2" }]),
  });
  const registry = await loadRegistry(join(dir, "suites"), dir);
  try {
    registry.select([]);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).problems;
  }
  return [];
}

describe("scorer and strategy options", () => {
  it("an unknown scorer option is reported at its line with its full path and a suggestion", async () => {
    const found = await problems(suite);
    expect(found).toContainEqual(
      expect.stringMatching(/^suites\/x\.yaml:15 tasks\[0\]\.scorers\[1\]\.normalise: unknown option; did you mean "normalize"\?/),
    );
  });

  it("a labelled scorer's options are checked too", async () => {
    const found = await problems(suite);
    expect(found).toContainEqual(expect.stringMatching(/^suites\/x\.yaml:18 tasks\[0\]\.scorers\[2\]\.normalize: /));
  });

  it("a strategy option typo gets a suggestion and its line", async () => {
    const found = await problems(suite);
    expect(found).toContainEqual(
      expect.stringMatching(/^suites\/x\.yaml:12 tasks\[0\]\.strategies\[1\]\.sampelr: unknown option; did you mean "sampler"\?/),
    );
  });

  it("every problem is reported, one line each", async () => {
    expect(await problems(suite)).toHaveLength(3);
  });

  it("defineTask reports the same way", () => {
    const declare = () =>
      defineTask({
        id: "t",
        items: [{ q: "x" }],
        prompt: "{{q}}",
        target: "{{q}}",
        strategies: ["zero-shot", { name: "chain-of-thought", patern: "x" }],
        scorers: ["includes", { name: "exact-match", normalise: "none" }],
      });
    expect(declare).toThrow(ValidationError);
    const found = (() => {
      try {
        declare();
      } catch (error) {
        return (error as ValidationError).problems;
      }
      return [];
    })();
    expect(found).toContainEqual(
      expect.stringMatching(/^defineTask\(t\) scorers\[1\]\.normalise: unknown option; did you mean "normalize"\?/),
    );
    expect(found).toContainEqual(
      expect.stringMatching(/^defineTask\(t\) strategies\[1\]\.patern: unknown option; did you mean "pattern"\?/),
    );
  });

  it("defineTask checks a strategy's generation settings", () => {
    expect(() =>
      defineTask({
        id: "t",
        items: [{ q: "x" }],
        prompt: "{{q}}",
        scorers: ["includes"],
        strategies: [{ name: "zero-shot", generation: { temprature: 0 } as never }],
      }),
    ).toThrow(/defineTask\(t\) strategies\[0\]\.generation\.temprature: unknown option; did you mean "temperature"\?/);
  });
});
