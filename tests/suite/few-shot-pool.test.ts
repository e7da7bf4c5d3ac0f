// Few-shot settings the exemplar pool cannot honour are suite errors, not quietly smaller prompts.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors.ts";
import { prepareTask } from "../../src/suite/prepare.ts";
import { loadRegistry } from "../../src/suite/registry.ts";
import { jsonl, workspace } from "../helpers/workspace.ts";

const suite = (strategy: string, target = '    target: "{{answer}}"\n') => `suite: x
tasks:
  - id: add
    dataset: data/add.jsonl
    exemplars: data/pool.jsonl
    prompt: "Q: {{a}}?"
${target}    strategies:
      - zero-shot
      - ${strategy}
    scorers: [exact-match]
`;
const items = jsonl([
  { a: 1, answer: "1" },
  { a: 2, answer: "2" },
]);
const pool = jsonl([
  { a: 3, answer: "3", why: "three" },
  { a: 4, answer: "4" },
  { a: 5, answer: "5", why: "five" },
]);

async function prepare(yaml: string, exemplars = pool) {
  const dir = workspace({ "suites/x.yaml": yaml, "suites/data/add.jsonl": items, "suites/data/pool.jsonl": exemplars });
  const registry = await loadRegistry(join(dir, "suites"), dir);
  return registry.select([]).map((t) => prepareTask(t, dir));
}
async function problems(yaml: string, exemplars = pool): Promise<string[]> {
  const error = await prepare(yaml, exemplars).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).problems;
}

describe("few-shot pools", () => {
  it("k larger than the pool is an error at the strategy's line", async () => {
    expect(await problems(suite("{ name: few-shot, k: 5 }"))).toEqual([
      'suites/x.yaml:10 tasks[0].strategies[1]: strategy "few-shot" shows k = 5 exemplars, but the pool has 3; lower k or add exemplars',
    ]);
    expect(
      await problems(
        suite("few-shot"),
        jsonl([
          { a: 3, answer: "3" },
          { a: 4, answer: "4" },
        ]),
      ),
    ).toEqual([
      'suites/x.yaml:10 tasks[0].strategies[1]: strategy "few-shot" shows k = 3 exemplars, but the pool has 2; lower k or add exemplars',
    ]);
    expect(await prepare(suite("{ name: few-shot, k: 3, sampler: first }"))).toHaveLength(1);
  });

  it("a rationale field every exemplar must have", async () => {
    expect(await problems(suite("{ name: few-shot, k: 2, rationale: why }"))).toEqual([
      'suites/data/pool.jsonl:2: strategy "few-shot" shows the rationale field "why", which this exemplar lacks',
    ]);
    const objects = jsonl([
      { a: 3, answer: "3", why: { step: 1 } },
      { a: 4, answer: "4", why: "four" },
    ]);
    expect(await problems(suite("{ name: few-shot, k: 2, rationale: why }"), objects)).toEqual([
      'suites/data/pool.jsonl:1: rationale field "why" of strategy "few-shot" must be text, not object',
    ]);
  });

  it("few-shot shows answers, so the task needs a target", async () => {
    expect(await problems(suite("{ name: few-shot, k: 1 }", ""))).toContainEqual(
      'suites/x.yaml:9 tasks[0].strategies[1]: strategy "few-shot" shows each exemplar\'s answer, but the task has no target',
    );
  });
});
