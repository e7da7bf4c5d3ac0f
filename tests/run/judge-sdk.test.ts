// Judges whose model is a remote one, through the real `openai` and `@google/genai` SDKs against
// fake servers on 127.0.0.1: named models in assay.config.yaml, runs through runEval and the CLI.
import Database from "better-sqlite3";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Provider } from "../../src/provider/types.ts";
import { runEval } from "../../src/run/run-eval.ts";
import { verdictSchema } from "../../src/score/autorater/verdict.ts";
import { defineTask } from "../../src/suite/define-task.ts";
import { startFakeGemini } from "../fixtures/fake-gemini-server.ts";
import type { FakeServer, ScriptedReply, ScriptedToken } from "../fixtures/fake-http.ts";
import { startFakeOpenAI } from "../fixtures/fake-openai-server.ts";
import { assayAsync } from "../helpers/cli.ts";
import { jsonl, workspace } from "../helpers/workspace.ts";
import { fencedBlocks } from "./fixtures/fake-judge.ts";

let openai: FakeServer;
let gemini: FakeServer;
let dir: string;
let dbCount = 0;
const freshDb = () => join(dir, `sdk-${++dbCount}.db`);

/** The config naming both judges; `retries: 2` = three attempts per judge call. */
const config = () => `models:
  oj: { provider: openai, model: judge-4, base_url: "${openai.url}/v1", retries: 2 }
  gj: { provider: gemini, model: gemini-judge, base_url: "${gemini.url}", retries: 2 }
`;

beforeAll(async () => {
  openai = await startFakeOpenAI();
  gemini = await startFakeGemini();
  vi.stubEnv("OPENAI_API_KEY", "sk-test-judge");
  vi.stubEnv("GEMINI_API_KEY", "gm-test-judge");
  vi.stubEnv("GOOGLE_API_KEY", "");
  vi.stubEnv("OPENAI_BASE_URL", "");
  vi.stubEnv("GEMINI_BASE_URL", "");
  dir = workspace();
  writeFileSync(join(dir, "assay.config.yaml"), config());
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await openai?.close();
  await gemini?.close();
});

/** How each SDK's wire format carries the judge prompt and the generation config. */
const sdks = [
  {
    name: "openai",
    model: "oj",
    server: () => openai,
    prompt: (body: any): string => body.messages.at(-1).content,
    schemaOf: (body: any) => {
      expect(body.response_format).toEqual({
        type: "json_schema",
        json_schema: { name: "response", schema: body.response_format.json_schema.schema, strict: true },
      });
      return body.response_format.json_schema.schema;
    },
    logprobsAsked: (body: any) => ({ logprobs: body.logprobs, top: body.top_logprobs }),
  },
  {
    name: "gemini",
    model: "gj",
    server: () => gemini,
    prompt: (body: any): string =>
      body.contents
        .at(-1)
        .parts.map((p: { text: string }) => p.text)
        .join(""),
    schemaOf: (body: any) => {
      expect(body.generationConfig.responseMimeType).toBe("application/json");
      expect(body.generationConfig.responseSchema).toBeUndefined();
      return body.generationConfig.responseJsonSchema;
    },
    logprobsAsked: (body: any) => ({ logprobs: body.generationConfig.responseLogprobs, top: body.generationConfig.logprobs }),
  },
] as const;

/** Answers "a+b" right on even items and off by one on odd ones. */
const candidate: Provider = {
  id: "test:candidate",
  concurrency: 2,
  async generate(prompt, _params, context) {
    const m = /(\d+) \+ (\d+)/.exec(prompt.text)!;
    const i = Number(context.item.slice(1));
    return { text: ` ${Number(m[1]) + Number(m[2]) + (i % 2)}`, finishReason: "stop", latencyMs: 1 };
  },
};

function judgedTask(n: number, judge: Record<string, unknown>) {
  return defineTask({
    suite: "t",
    id: "add",
    items: Array.from({ length: n }, (_, i) => ({ id: `i${i}`, a: i, b: 2 * i, answer: String(3 * i) })),
    prompt: "Q: {{a}} + {{b}}?\nA:",
    target: "{{answer}}",
    scorers: ["exact-match", { name: "judge", label: "correctness", rubric: "correctness", ...judge }],
  });
}

/** The correctness rubric's fenced blocks (prompt, reference, response, answer) and the item's index. */
function blocksOf(prompt: string): { item: number; reference: string; response: string } {
  const blocks = fencedBlocks(prompt).map((b) => b.body.trim());
  return { item: Number(/Q: (\d+) \+/.exec(blocks[0])![1]), reference: blocks[1], response: blocks[2] };
}

/** A fair judge: 5 when the response is the reference, else 1. */
const fairVerdict = (prompt: string): ScriptedReply => {
  const b = blocksOf(prompt);
  return { text: JSON.stringify({ reasoning: `compared ${b.response} with ${b.reference}`, verdict: b.response === b.reference ? 5 : 1 }) };
};

function sql(db: string) {
  return new Database(db, { readonly: true });
}

describe.each(sdks)("a judge through the $name SDK", (sdk) => {
  it("asks for the verdict schema where the API reads it and scores the parsed verdicts", async () => {
    const server = sdk.server();
    const before = server.bodies.length;
    server.script = (body) => fairVerdict(sdk.prompt(body));
    const db = freshDb();
    const result = await runEval({ db, cwd: dir, tasks: [judgedTask(6, { model: sdk.model })], models: [candidate] });
    const bodies = server.bodies.slice(before);
    expect(bodies).toHaveLength(6);
    for (const body of bodies) expect(sdk.schemaOf(body)).toEqual(verdictSchema({ kind: "scale", lo: 1, hi: 5 }));
    // Reasoning first, as the schema's property order asks.
    expect(Object.keys(sdk.schemaOf(bodies[0]).properties)).toEqual(["reasoning", "verdict"]);
    const row = result.results.find((r) => r.metric === "correctness")!;
    expect(row).toMatchObject({ value: 0.5, n: 6, unscored: 0 });
    expect(row.judge).toMatchObject({ scale: { lo: 1, hi: 5, mean: 3 }, judgments: 6, unreadable: 0, failed: 0 });
    const store = sql(db);
    const rows = store
      .prepare(
        `SELECT it.item_key AS item, j.verdict, j.status, s.value FROM judgments j JOIN trials tr ON tr.id = j.trial_id
         JOIN items it ON it.id = tr.item_id JOIN scores s ON s.trial_id = j.trial_id AND s.scorer_id = j.scorer_id ORDER BY it.id`,
      )
      .all();
    expect(rows).toEqual(
      Array.from({ length: 6 }, (_, i) => ({ item: `i${i}`, verdict: i % 2 ? "1" : "5", status: "ok", value: i % 2 ? 0 : 1 })),
    );
    const judges = store.prepare("SELECT model, provider FROM judges").all() as { model: string; provider: string }[];
    expect(judges).toHaveLength(1);
    expect(judges[0].model).toBe(sdk.model);
    expect(judges[0].provider.startsWith(`${sdk.name}:`)).toBe(true);
    store.close();
  });

  it("leaves garbage, truncated, off-schema and out-of-range replies unscored and counts them", async () => {
    const server = sdk.server();
    // Items 0-3 get an unreadable reply each; 4 and 5 the fair verdict (5 and 1).
    const bad: Record<number, ScriptedReply> = {
      0: { text: "The answer looks right to me. Verdict: 5" },
      1: { text: '{"reasoning": "the sum is', finishReason: "length" },
      2: { text: JSON.stringify({ reasoning: "excellent", verdict: 7 }) },
      3: { text: JSON.stringify({ verdict: 5 }) },
    };
    server.script = (body) => bad[blocksOf(sdk.prompt(body)).item] ?? fairVerdict(sdk.prompt(body));
    const db = freshDb();
    const result = await runEval({ db, cwd: dir, tasks: [judgedTask(6, { model: sdk.model })], models: [candidate] });
    const row = result.results.find((r) => r.metric === "correctness")!;
    expect(row).toMatchObject({ value: 0.5, n: 2, unscored: 4 });
    expect(row.judge).toMatchObject({ judgments: 6, unreadable: 4, failed: 0 });
    const store = sql(db);
    const rows = store
      .prepare(
        `SELECT it.item_key AS item, j.status, j.finish_reason AS finish, j.reply, s.value FROM judgments j
         JOIN trials tr ON tr.id = j.trial_id JOIN items it ON it.id = tr.item_id
         JOIN scores s ON s.trial_id = j.trial_id AND s.scorer_id = j.scorer_id ORDER BY it.id`,
      )
      .all() as { item: string; status: string; finish: string; reply: string; value: number | null }[];
    expect(rows.map((r) => [r.item, r.status, r.value])).toEqual([
      ["i0", "unparsed", null],
      ["i1", "truncated", null],
      ["i2", "out-of-range", null],
      ["i3", "schema", null],
      ["i4", "ok", 1],
      ["i5", "ok", 0],
    ]);
    // The SDK's finish reason (OpenAI "length", Gemini "MAX_TOKENS") arrives normalised; the raw reply is kept.
    expect(rows[1].finish).toBe("length");
    expect(rows[0].reply).toBe(bad[0].text);
    store.close();
  });

  it("weights the verdict by the top log-probs the API returns, exactly as computed by hand", async () => {
    const server = sdk.server();
    const before = server.bodies.length;
    const top = [
      { token: "4", logprob: Math.log(0.45) },
      { token: "5", logprob: Math.log(0.25) },
      { token: " 3", logprob: Math.log(0.1) },
      { token: "four", logprob: Math.log(0.08) },
      { token: "2", logprob: Math.log(0.05) },
      { token: "10", logprob: Math.log(0.04) },
    ];
    const tokens: ScriptedToken[] = [
      { token: '{"reasoning":"mostly right","verdict":', logprob: -0.2, top: [] },
      { token: "4", logprob: Math.log(0.45), top },
      { token: "}", logprob: 0, top: [] },
    ];
    server.script = () => ({ tokens });
    const db = freshDb();
    const result = await runEval({
      db,
      cwd: dir,
      tasks: [judgedTask(3, { model: sdk.model, weighting: "logprobs" })],
      models: [candidate],
    });
    for (const body of server.bodies.slice(before)) expect(sdk.logprobsAsked(body)).toEqual({ logprobs: true, top: 20 });
    // The scale's values among the top tokens are 4, 5, 3 and 2 ("four" and "10" are not verdicts
    // on 1-5): p renormalised over 0.45 + 0.25 + 0.1 + 0.05 = 0.85.
    const expected = (4 * 0.45 + 5 * 0.25 + 3 * 0.1 + 2 * 0.05) / 0.85;
    const row = result.results.find((r) => r.metric === "correctness")!;
    expect(row.value).toBeCloseTo((expected - 1) / 4, 12);
    expect(row.judge!.scale!.mean).toBeCloseTo(expected, 12);
    const store = sql(db);
    const j = store.prepare("SELECT weighting, distribution, verdict, score FROM judgments").all() as {
      weighting: string;
      distribution: string;
      verdict: string;
      score: number;
    }[];
    expect(j).toHaveLength(3);
    for (const x of j) {
      expect([x.weighting, x.verdict]).toEqual(["logprobs", "4"]);
      expect(x.score).toBeCloseTo(expected, 12);
      const d = JSON.parse(x.distribution) as Record<string, number>;
      expect(Object.keys(d)).toEqual(["2", "3", "4", "5"]);
      for (const [k, p] of Object.entries({ 2: 0.05, 3: 0.1, 4: 0.45, 5: 0.25 })) expect(d[k]).toBeCloseTo(p / 0.85, 12);
    }
    store.close();
  });

  it("a free-text judge with a pattern asks for no schema and takes the last match, not a quoted one", async () => {
    const server = sdk.server();
    const before = server.bodies.length;
    // The reply quotes a verdict line first (as if from the response), then gives its own.
    server.script = (body) => {
      const b = blocksOf(sdk.prompt(body));
      return {
        text: `The response says "Verdict: correct".\nChecking ${b.response} against ${b.reference}.\nVerdict: ${b.response === b.reference ? "correct" : "incorrect"}`,
      };
    };
    const db = freshDb();
    const result = await runEval({
      db,
      cwd: dir,
      tasks: [judgedTask(4, { model: sdk.model, choices: { correct: 1, incorrect: 0 }, pattern: "Verdict: (correct|incorrect)" })],
      models: [candidate],
    });
    for (const body of server.bodies.slice(before)) {
      expect(body.response_format).toBeUndefined();
      expect(body.generationConfig?.responseJsonSchema).toBeUndefined();
      expect(sdk.prompt(body)).toContain("End your answer with a line matching the pattern Verdict: (correct|incorrect).");
    }
    expect(result.results.find((r) => r.metric === "correctness")).toMatchObject({ value: 0.5, n: 4, unscored: 0 });
    const store = sql(db);
    expect(store.prepare("SELECT verdict FROM judgments ORDER BY trial_id").pluck().all()).toEqual([
      "correct",
      "incorrect",
      "correct",
      "incorrect",
    ]);
    store.close();
  });

  it("a judge failing after its retries (HTTP 503 every time) leaves the score unscored with the error, the trial done", async () => {
    const server = sdk.server();
    const before = server.bodies.length;
    server.script = () => ({ status: 503, error: "the judge is overloaded" });
    const db = freshDb();
    const result = await runEval({
      db,
      cwd: dir,
      tasks: [judgedTask(2, { model: sdk.model })],
      models: [candidate],
      retryBaseDelayMs: 1,
    });
    // retries: 2 in the config: three attempts per judgment.
    expect(server.bodies.length - before).toBe(6);
    expect(result.errors).toBe(0);
    const row = result.results.find((r) => r.metric === "correctness")!;
    expect(row).toMatchObject({ value: null, n: 0, unscored: 2 });
    expect(row.judge).toMatchObject({ judgments: 2, unreadable: 0, failed: 2 });
    expect(result.results.find((r) => r.metric === "exact-match")).toMatchObject({ n: 2, value: 0.5 });
    const store = sql(db);
    const j = store.prepare("SELECT status, error, attempts FROM judgments").all() as { status: string; error: string; attempts: number }[];
    for (const x of j) {
      expect([x.status, x.attempts]).toEqual(["error", 3]);
      expect(x.error).toContain("503");
      expect(x.error).toContain("the judge is overloaded");
    }
    expect(store.prepare("SELECT status, output FROM trials ORDER BY id").all()).toEqual([
      { status: "done", output: " 0" },
      { status: "done", output: " 4" },
    ]);
    const explanation = store
      .prepare("SELECT s.explanation FROM scores s JOIN scorers c ON c.id = s.scorer_id WHERE c.name = 'correctness' LIMIT 1")
      .pluck()
      .get() as string;
    expect(explanation).toMatch(/^unscored: judge failed: .*503/);
    store.close();
  });
});

describe("a pairwise judge through the openai SDK", () => {
  const sure = (id: string, right: boolean): Provider => ({
    id,
    concurrency: 2,
    async generate(prompt) {
      const m = /(\d+) \+ (\d+)/.exec(prompt.text)!;
      return { text: ` ${Number(m[1]) + Number(m[2]) + (right ? 0 : 7)}`, finishReason: "stop", latencyMs: 1 };
    },
  });
  const pairTask = defineTask({
    suite: "t",
    id: "add",
    items: Array.from({ length: 5 }, (_, i) => ({ id: `i${i}`, a: i, b: 2 * i, answer: String(3 * i) })),
    prompt: "Q: {{a}} + {{b}}?\nA:",
    target: "{{answer}}",
    scorers: ["exact-match"],
    pairwise: { judge: { model: "oj", rubric: "preference", reference: true }, swap: true },
  });
  const run = () => runEval({ db: freshDb(), cwd: dir, tasks: [pairTask], models: [sure("test:good", true), sure("test:bad", false)] });

  it("a fair judge: both orders agree on every item, no inconsistency", async () => {
    const before = openai.bodies.length;
    // Blocks of the preference rubric with a reference: prompt, reference, response A, response B.
    openai.script = (body) => {
      const [, reference, a, b] = fencedBlocks(body.messages.at(-1).content).map((x) => x.body.trim());
      return { text: JSON.stringify({ reasoning: "r", verdict: a === reference ? "A" : b === reference ? "B" : "tie" }) };
    };
    const result = await run();
    const bodies = openai.bodies.slice(before);
    expect(bodies).toHaveLength(10);
    for (const body of bodies) expect(body.response_format.json_schema.schema).toEqual(verdictSchema({ kind: "pairwise" }));
    expect(result.judges.pairwise).toEqual([
      expect.objectContaining({ a_wins: 0, b_wins: 5, ties: 0, inconsistent: 0, unscored: 0, n: 5, consistency: 1 }),
    ]);
    expect(result.judges.rankings[0].model).toBe("test:good");
  });

  it("an unreadable verdict in either order leaves that item unscored, not a win or a tie", async () => {
    openai.script = (body) => {
      const [prompt, reference, a] = fencedBlocks(body.messages.at(-1).content).map((x) => x.body.trim());
      // Item 0 (0 + 0): not JSON when the good response is shown first; item 1: out of the enum in both orders.
      if (prompt.startsWith("Q: 0 +") && a === reference) return { text: "A is better" };
      if (prompt.startsWith("Q: 1 +")) return { text: JSON.stringify({ reasoning: "r", verdict: "both" }) };
      return { text: JSON.stringify({ reasoning: "r", verdict: a === reference ? "A" : "B" }) };
    };
    const result = await run();
    expect(result.judges.pairwise).toEqual([
      expect.objectContaining({ a_wins: 0, b_wins: 3, ties: 0, inconsistent: 0, unscored: 2, n: 3, consistency: 1 }),
    ]);
  });

  it("a judge that always picks the response shown first is inconsistent on every item", async () => {
    openai.script = () => ({ text: JSON.stringify({ reasoning: "the first is better", verdict: "A" }) });
    const result = await run();
    expect(result.judges.pairwise).toEqual([
      expect.objectContaining({ a_wins: 0, b_wins: 0, ties: 0, inconsistent: 5, unscored: 0, n: 5, consistency: 0 }),
    ]);
  });
});

describe("a judge through the CLI", () => {
  it("assay run --judge-model NAME --json: the named Gemini judge replaces the suite's, its verdicts in the summary", async () => {
    const ws = workspace({
      "assay.config.yaml": config(),
      "suites/qa.yaml": `suite: qa
tasks:
  - id: add
    dataset: data/add.jsonl
    prompt: "Q: {{a}} + {{b}}?\\nA:"
    target: "{{sum}}"
    scorers:
      - exact-match
      - { name: judge, label: correctness, model: "openai:never-called", rubric: correctness, reference: true }
`,
      "suites/data/add.jsonl": jsonl(Array.from({ length: 4 }, (_, i) => ({ id: `i${i}`, a: i, b: 2 * i, sum: String(3 * i) }))),
      "out.jsonl": jsonl(Array.from({ length: 4 }, (_, i) => ({ task: "add", item: `i${i}`, output: String(3 * i + (i % 2)) }))),
    });
    const before = gemini.bodies.length;
    const openaiBefore = openai.bodies.length;
    gemini.script = (body) => fairVerdict(body.contents.at(-1).parts[0].text);
    const cli = assayAsync(ws, ["run", "--model", "replay:out.jsonl", "--judge-model", "gj", "--json"], {
      ...process.env,
      GEMINI_API_KEY: "gm-test-judge",
    });
    const r = await cli.done;
    expect(r.code, r.stderr).toBe(0);
    expect(openai.bodies.length).toBe(openaiBefore);
    const bodies = gemini.bodies.slice(before);
    expect(bodies).toHaveLength(4);
    expect(bodies[0].generationConfig.responseJsonSchema).toEqual(verdictSchema({ kind: "scale", lo: 1, hi: 5 }));
    const out = JSON.parse(r.stdout);
    const row = out.results.find((x: { metric: string }) => x.metric === "correctness");
    expect(row).toMatchObject({
      task: "qa/add",
      model: "replay:out.jsonl",
      value: 0.5,
      n: 4,
      unscored: 0,
      judge: { scale: { lo: 1, hi: 5, mean: 3 }, judgments: 4, unreadable: 0, failed: 0 },
    });
    const store = sql(join(ws, ".assay", "assay.db"));
    expect(store.prepare("SELECT model FROM judges").pluck().all()).toEqual(["gj"]);
    store.close();
  });
});
