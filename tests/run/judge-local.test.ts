// Local judges through llama.cpp on the tiny random-weight test GGUF: a JSON judge held to its
// verdict schema by a grammar, and a choices judge that reads no reply at all but scores each
// choice by its log-likelihood after the judge prompt.
import Database from "better-sqlite3";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalProvider, localProvider } from "../../src/provider/local.ts";
import type { Provider } from "../../src/provider/types.ts";
import { runEval } from "../../src/run/run-eval.ts";
import { writeTinyGguf } from "../fixtures/gguf-writer.ts";
import { jsonl, workspace } from "../helpers/workspace.ts";

/** A short rubric: the tiny model reads one character per token, so a built-in's 4,000 characters would crowd its context. */
const rubric = `## Instruction
Grade the response.
## Inputs
{{input}}
{{reference}}
{{output}}
## Output
{{verdict_format}}
`;
const items = Array.from({ length: 4 }, (_, i) => ({ id: `i${i}`, a: i, b: 2 * i, sum: String(3 * i) }));
const suite = (judge: string) => `suite: local
tasks:
  - id: add
    dataset: data/add.jsonl
    prompt: "Q: {{a}} + {{b}}?"
    target: "{{sum}}"
    scorers:
      - exact-match
      - { name: judge, label: graded, rubric: short.hbs, reference: true, ${judge} }
`;

/** Right on even items, off by one on odd ones. */
const candidate: Provider = {
  id: "test:candidate",
  concurrency: 2,
  async generate(prompt, _params, context) {
    const m = /(\d+) \+ (\d+)/.exec(prompt.text)!;
    return { text: String(Number(m[1]) + Number(m[2]) + (Number(context.item.slice(1)) % 2)), finishReason: "stop", latencyMs: 1 };
  },
};

let model: string;
let provider: LocalProvider | undefined;

beforeAll(() => {
  model = writeTinyGguf({ dir: workspace(), seed: 5, contextLength: 2048 }).path;
});
afterAll(async () => {
  await provider?.close();
});

function judgments(db: string) {
  const store = new Database(db, { readonly: true });
  try {
    return store
      .prepare(
        `SELECT it.item_key AS item, j.prompt, j.reply, j.finish_reason AS finish, j.verdict, j.score, j.reasoning, j.status,
                j.weighting, j.distribution, s.value
         FROM judgments j JOIN trials tr ON tr.id = j.trial_id JOIN items it ON it.id = tr.item_id
         JOIN scores s ON s.trial_id = j.trial_id AND s.scorer_id = j.scorer_id ORDER BY it.id`,
      )
      .all() as {
      item: string;
      prompt: string;
      reply: string | null;
      finish: string | null;
      verdict: string | null;
      score: number | null;
      reasoning: string | null;
      status: string;
      weighting: string | null;
      distribution: string | null;
      value: number | null;
    }[];
  } finally {
    store.close();
  }
}

describe("a local judge on the tiny GGUF", () => {
  it("a grammar-constrained JSON judge: every reply parses, fits the schema and is on the scale", async () => {
    const dir = workspace({
      "suites/local.yaml": suite(`model: "local:${model}", scale: [1, 5], generation: { temperature: 1, max_tokens: 1500 }`),
      "suites/short.hbs": rubric,
      "suites/data/add.jsonl": jsonl(items),
    });
    const db = join(dir, "assay.db");
    const result = await runEval({ db, cwd: dir, models: [candidate] });
    const rows = judgments(db);
    expect(rows).toHaveLength(4);
    // A random model writes JSON only because the grammar makes it. Sampled (seeded per item),
    // each reasoning string closed well within 1,500 tokens, so every judgment is read, none
    // truncated (greedy, this model repeats a token and may never close the string).
    for (const j of rows) {
      expect(j.finish, j.reply ?? "").toBe("stop");
      expect(j.status).toBe("ok");
      const reply = JSON.parse(j.reply!);
      expect(Object.keys(reply)).toEqual(["reasoning", "verdict"]);
      expect(typeof reply.reasoning).toBe("string");
      expect(Number.isInteger(reply.verdict) && reply.verdict >= 1 && reply.verdict <= 5).toBe(true);
      expect([j.verdict, j.score, j.reasoning]).toEqual([String(reply.verdict), reply.verdict, reply.reasoning]);
      expect(j.value).toBeCloseTo((reply.verdict - 1) / 4, 12);
    }
    const row = result.results.find((r) => r.metric === "graded")!;
    expect(row).toMatchObject({ n: 4, unscored: 0 });
    expect(row.judge).toMatchObject({ judgments: 4, unreadable: 0, failed: 0 });
    expect(row.value).toBeCloseTo(rows.reduce((s, j) => s + j.value!, 0) / 4, 12);
  });

  it("a grammar-constrained reply cut by max_tokens is truncated: unscored and counted, never read", async () => {
    // This model's tokens are single characters and the shortest reply the schema admits,
    // {"reasoning":"","verdict":1}, has 28: 16 tokens cut every reply.
    const dir = workspace({
      "suites/local.yaml": suite(`model: "local:${model}", scale: [1, 5], generation: { temperature: 0, max_tokens: 16 }`),
      "suites/short.hbs": rubric,
      "suites/data/add.jsonl": jsonl(items),
    });
    const db = join(dir, "assay.db");
    const result = await runEval({ db, cwd: dir, models: [candidate] });
    const rows = judgments(db);
    expect(rows.map((j) => [j.finish, j.status, j.verdict, j.value])).toEqual(rows.map(() => ["length", "truncated", null, null]));
    for (const j of rows) expect(j.reply!.startsWith('{"reasoning":"')).toBe(true);
    const row = result.results.find((r) => r.metric === "graded")!;
    expect(row).toMatchObject({ value: null, n: 0, unscored: 4 });
    expect(row.judge).toMatchObject({ judgments: 4, unreadable: 4, failed: 0 });
  });

  it("a choices judge by likelihood and the same judge told to generate are two judges, each named by its own hash", async () => {
    const dir = workspace({
      "suites/local.yaml": `suite: local
tasks:
  - id: add
    dataset: data/add.jsonl
    prompt: "Q: {{a}} + {{b}}?"
    target: "{{sum}}"
    scorers:
      - { name: judge, label: by-likelihood, model: "local:${model}", rubric: short.hbs, reference: true, choices: { correct: 1, incorrect: 0 } }
      - { name: judge, label: by-reply, model: "local:${model}", rubric: short.hbs, reference: true, choices: { correct: 1, incorrect: 0 }, method: generate }
`,
      "suites/short.hbs": rubric,
      "suites/data/add.jsonl": jsonl(items.slice(0, 1)),
    });
    const db = join(dir, "assay.db");
    await runEval({ db, cwd: dir, models: [candidate] });
    const store = new Database(db, { readonly: true });
    const judges = store.prepare("SELECT id, sha256, params FROM judges ORDER BY id").all() as {
      id: number;
      sha256: string;
      params: string;
    }[];
    expect(judges.map((j) => JSON.parse(j.params).method)).toEqual(["likelihood", "generate"]);
    expect(new Set(judges.map((j) => j.sha256)).size).toBe(2);
    // Each scorer's judgments point to its own judge.
    const byLabel = store
      .prepare(
        "SELECT c.name AS label, j.judge_id AS judge, j.weighting FROM judgments j JOIN scorers c ON c.id = j.scorer_id ORDER BY c.name",
      )
      .all();
    expect(byLabel).toEqual([
      { label: "by-likelihood", judge: judges[0].id, weighting: "likelihood" },
      { label: "by-reply", judge: judges[1].id, weighting: null },
    ]);
    store.close();
  });

  it("a choices judge by likelihood: nothing parsed, the verdict the argmax of the choices' own log-likelihoods", async () => {
    const dir = workspace({
      "suites/local.yaml": suite(`model: "local:${model}", choices: { correct: 1, incorrect: 0 }`),
      "suites/short.hbs": rubric,
      "suites/data/add.jsonl": jsonl(items),
    });
    const db = join(dir, "assay.db");
    const result = await runEval({ db, cwd: dir, models: [candidate] });
    const rows = judgments(db);
    expect(rows).toHaveLength(4);
    const store = new Database(db, { readonly: true });
    expect(JSON.parse(store.prepare("SELECT params FROM judges").pluck().get() as string).method).toBe("likelihood");
    store.close();
    provider = (await localProvider({ target: model, cwd: dir, config: {} })) as LocalProvider;
    const call = { task: "local/add", item: "", strategy: "check", sample: 0 };
    for (const j of rows) {
      expect([j.reply, j.reasoning, j.status, j.weighting]).toEqual([null, null, "ok", "likelihood"]);
      // The prompt asks for the word the judge scores, not for the JSON a generating judge writes.
      expect(j.prompt).toContain("Answer with one word: correct or incorrect.");
      expect(j.prompt).not.toContain("JSON");
      const distribution = JSON.parse(j.distribution!) as Record<string, number>;
      expect(Object.keys(distribution)).toEqual(["correct", "incorrect"]);
      expect(distribution.correct + distribution.incorrect).toBeCloseTo(1, 12);
      // Independently: the provider's own log-likelihoods of the choices after the stored prompt.
      const [correct, incorrect] = await provider.loglikelihood({ text: j.prompt }, [" correct", " incorrect"], call);
      const verdict = correct.logprob >= incorrect.logprob ? "correct" : "incorrect";
      expect(j.verdict).toBe(verdict);
      expect(j.score).toBe(verdict === "correct" ? 1 : 0);
      expect(j.value).toBe(j.score);
      expect(distribution.correct).toBeCloseTo(1 / (1 + Math.exp(incorrect.logprob - correct.logprob)), 9);
    }
    expect(result.results.find((r) => r.metric === "graded")).toMatchObject({ n: 4, unscored: 0 });
  });
});
