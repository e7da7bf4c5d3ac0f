// Multiple choice by log-likelihood through the whole pipeline on the real llama.cpp
// (a tiny random-weight GGUF): the pick is the most likely continuation, acc and acc_norm
// follow lm-evaluation-harness's definitions.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import Database from "better-sqlite3";
import { runEval } from "../../src/run/run-eval.ts";
import { defineTask } from "../../src/suite/define-task.ts";
import { createProvider } from "../../src/provider/create.ts";
import type { Provider } from "../../src/provider/types.ts";
import { writeTinyGguf } from "../fixtures/gguf-writer.ts";
import { workspace } from "../helpers/workspace.ts";

const dir = workspace();
let provider: Provider;
const items = [
  { id: "q1", q: "The sky is", options: ["blue", "green", "a very long answer indeed"], gold: 0 },
  { id: "q2", q: "Two plus two is", options: ["four", "five"], gold: 0 },
  { id: "q3", q: "Cats say", options: ["woof", "meow", "moo"], gold: "meow" },
  { id: "q4", q: "Ice is", options: ["cold", "hot"], gold: "B" },
];
const task = defineTask({
  suite: "mc",
  id: "toy",
  items,
  prompt: "{{q}}",
  target: "{{gold}}",
  choices: "options",
  strategies: ["zero-shot"],
  scorers: ["choice", { name: "choice", metric: "acc_norm" }],
});

beforeAll(async () => {
  const model = writeTinyGguf({ dir, seed: 5 }).path;
  provider = await createProvider(`local:${model}`, { cwd: dir });
});
afterAll(async () => provider?.close?.());

describe("choices tasks", () => {
  it("picks the most likely option and reports acc and acc_norm as lm-eval defines them", async () => {
    const result = await runEval({ db: join(dir, "mc.db"), tasks: [task], models: [provider] });
    expect(result.errors).toBe(0);
    const golds = [0, 0, 1, 1];
    let acc = 0;
    let accNorm = 0;
    for (const [i, item] of items.entries()) {
      const lls = await provider.loglikelihood!(
        { text: item.q },
        item.options.map((o) => ` ${o}`),
        { task: "mc/toy", item: item.id, strategy: "zero-shot", sample: 0 },
      );
      const argmax = (xs: number[]) => xs.indexOf(Math.max(...xs));
      acc += argmax(lls.map((l) => l.logprob)) === golds[i] ? 1 : 0;
      accNorm += argmax(lls.map((l, k) => l.logprob / [...` ${item.options[k]}`].length)) === golds[i] ? 1 : 0;
      const sql = new Database(result.db, { readonly: true });
      const stored = sql
        .prepare(
          "SELECT t.answer, g.output FROM trials t JOIN items it ON it.id = t.item_id JOIN generations g ON g.trial_id = t.id WHERE it.item_key = ?",
        )
        .get(item.id) as { answer: string; output: string };
      sql.close();
      expect(stored.answer).toBe(item.options[argmax(lls.map((l) => l.logprob))]);
      expect(JSON.parse(stored.output).map((x: { logprob: number }) => x.logprob)).toEqual(lls.map((l) => l.logprob));
    }
    const byMetric = Object.fromEntries(result.results.map((r) => [r.metric, r.value]));
    expect(byMetric.choice).toBe(acc / 4);
    expect(byMetric.acc_norm).toBe(accNorm / 4);
  });

  it("scores a loglikelihood task's target as a continuation: corpus perplexity and bits per byte", async () => {
    const docs = [
      { id: "d1", text: "the quick brown fox" },
      { id: "d2", text: "jumps over the lazy dog" },
      { id: "d3", text: "hello world" },
    ];
    const ppl = defineTask({
      suite: "lm",
      id: "ppl",
      items: docs,
      prompt: "",
      target: "{{text}}",
      outputType: "loglikelihood",
      scorers: ["perplexity", { name: "perplexity", unit: "bits-per-byte", label: "bpb" }],
    });
    const result = await runEval({ db: join(dir, "ppl.db"), tasks: [ppl], models: [provider] });
    let nll = 0;
    let tokens = 0;
    let bytes = 0;
    for (const d of docs) {
      const [ll] = await provider.loglikelihood!({ text: "" }, [d.text], { task: "lm/ppl", item: d.id, strategy: "zero-shot", sample: 0 });
      nll -= ll.logprob;
      tokens += ll.tokens;
      bytes += Buffer.byteLength(d.text);
    }
    const byMetric = Object.fromEntries(result.results.map((r) => [r.metric, r]));
    expect(byMetric.perplexity).toMatchObject({ corpus: true, n: 3, noAnswer: 0 });
    expect(byMetric.perplexity.value).toBeCloseTo(Math.exp(nll / tokens), 9);
    expect(byMetric.bpb.value).toBeCloseTo(nll / bytes / Math.LN2, 9);
  });

  it("rejects a model without log-likelihoods and a target that is not an option", async () => {
    await expect(runEval({ db: join(dir, "x.db"), tasks: [task], models: ["echo"] })).rejects.toThrow(
      /cannot compute \(use a local: model\)|which model "echo" cannot compute/,
    );
    const bad = defineTask({
      suite: "mc",
      id: "bad",
      items: [{ q: "x", options: ["a", "b"], gold: "c" }],
      prompt: "{{q}}",
      target: "{{gold}}",
      choices: "options",
      scorers: ["choice"],
    });
    await expect(runEval({ db: join(dir, "y.db"), tasks: [bad], models: [provider] })).rejects.toThrow(
      /target "c" is not one of the options/,
    );
    expect(() =>
      defineTask({
        ...{ suite: "mc", id: "cot", items: [{ q: "x" }], prompt: "{{q}}", choices: ["a", "b"], scorers: ["choice"] },
        strategies: ["chain-of-thought"],
      }),
    ).toThrow(/supports zero-shot and few-shot/);
  });
});
