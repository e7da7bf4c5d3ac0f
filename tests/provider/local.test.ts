// The local backend against a tiny random-weight GGUF run by the real llama.cpp.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getLlama, type Token } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProviderError } from "../../src/errors.ts";
import { type LocalProvider, localProvider } from "../../src/provider/local.ts";
import type { GenerateParams } from "../../src/provider/types.ts";
import { writeTinyGguf } from "../fixtures/gguf-writer.ts";

const call = { task: "t", item: "i", strategy: "s", sample: 0 };
const greedy: GenerateParams = { temperature: 0, maxTokens: 16 };
let dir: string;
let modelPath: string;
let provider: LocalProvider;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "assay-local-"));
  modelPath = writeTinyGguf({ dir, seed: 3 }).path;
  provider = (await localProvider({ target: modelPath, cwd: dir, config: { context_size: 256, concurrency: 2 } })) as LocalProvider;
});

afterAll(async () => {
  await provider?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Log-probs computed independently: a fresh raw sequence per position, full softmax at temperature 0. */
async function rawNextTokenLogprobs(path: string, tokens: Token[], from: number): Promise<number[]> {
  const llama = await getLlama({ gpu: false, build: "never", maxThreads: 2 });
  const model = await llama.loadModel({ modelPath: path });
  const context = await model.createContext({ contextSize: 256, threads: 1, flashAttention: false });
  const out: number[] = [];
  try {
    for (let i = from; i < tokens.length; i++) {
      const sequence = context.getSequence();
      const iterator = sequence.evaluateWithMetadata(tokens.slice(0, i), { probabilities: true }, { temperature: 0 });
      const first = await iterator.next();
      await iterator.return();
      out.push(Math.log(first.value!.probabilities.get(tokens[i]) ?? 0));
      await sequence.dispose();
    }
  } finally {
    await context.dispose();
    await model.dispose();
  }
  return out;
}

describe("local provider: generation", () => {
  it("is deterministic under greedy decoding", async () => {
    const a = await provider.generate({ text: "The quick brown fox" }, greedy, call);
    const b = await provider.generate({ text: "The quick brown fox" }, greedy, call);
    expect(a.text).toBe(b.text);
    expect(a.outputTokens).toBe(16);
    expect(a.finishReason).toBe("length");
    expect(a.inputTokens).toBe(provider.promptTokens({ text: "The quick brown fox" }).length);
  });

  it("reproduces a seeded sample and varies with the seed", async () => {
    const params = { temperature: 1, maxTokens: 24, seed: 7 };
    const a = await provider.generate({ text: "Once upon" }, params, call);
    const b = await provider.generate({ text: "Once upon" }, params, call);
    const c = await provider.generate({ text: "Once upon" }, { ...params, seed: 8 }, call);
    expect(a.text).toBe(b.text);
    expect(c.text).not.toBe(a.text);
  });

  it("stops at a stop sequence and cuts it off", async () => {
    const full = await provider.generate({ text: "abc" }, { temperature: 0, maxTokens: 12 }, call);
    const stop = full.text.slice(4, 6);
    const cut = await provider.generate({ text: "abc" }, { temperature: 0, maxTokens: 12, stop: [stop], logprobs: true }, call);
    expect(cut.finishReason).toBe("stop");
    expect(cut.text).toBe(full.text.slice(0, full.text.indexOf(stop)));
    expect(cut.tokenLogprobs!.length).toBeLessThanOrEqual(cut.outputTokens!);
  });

  it("gives token log-probs of greedy tokens equal to an independent full-softmax computation", async () => {
    const prompt = { text: "Hello there" };
    const generation = await provider.generate(prompt, { temperature: 0, maxTokens: 6, logprobs: true }, call);
    expect(generation.tokenLogprobs).toHaveLength(6);
    // Independent path: a raw sequence, greedy, reading each chosen token's probability from the full map.
    const llama = await getLlama({ gpu: false, build: "never", maxThreads: 2 });
    const model = await llama.loadModel({ modelPath });
    const context = await model.createContext({ contextSize: 256, threads: 1, flashAttention: false });
    const tokens: Token[] = [];
    const raw: number[] = [];
    for await (const next of context
      .getSequence()
      .evaluateWithMetadata(provider.promptTokens(prompt), { probabilities: true }, { temperature: 0 })) {
      tokens.push(next.token);
      raw.push(Math.log(next.probabilities.get(next.token)!));
      if (tokens.length === 6) break;
    }
    await context.dispose();
    await model.dispose();
    expect(generation.text).toBe(provider.model.detokenize(tokens));
    raw.forEach((logprob, i) => expect(generation.tokenLogprobs![i].logprob).toBeCloseTo(logprob, 5));
  });

  it("throws a non-retryable error when the prompt does not fit the context", async () => {
    const long = { text: "x".repeat(400) };
    const error = await provider.generate(long, greedy, call).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).retryable).toBe(false);
    expect((error as Error).message).toMatch(/prompt is 401 tokens but the model's context holds 256 tokens/);
    await expect(provider.loglikelihood({ text: "x".repeat(250) }, ["y".repeat(10)], call)).rejects.toThrow(/context holds 256/);
  });
});

describe("local provider: log-likelihood", () => {
  it("equals the sum of per-token log-probs computed independently", async () => {
    const prompt = { text: "Question: what is it? Answer:" };
    const [result] = await provider.loglikelihood(prompt, [" a red cat"], call);
    const promptTokens = provider.promptTokens(prompt);
    const whole = provider.promptTokens({ text: prompt.text + " a red cat" });
    expect(result.tokens).toBe(whole.length - promptTokens.length);
    const raw = await rawNextTokenLogprobs(modelPath, whole, promptTokens.length);
    expect(raw).toHaveLength(result.tokens);
    expect(result.logprob).toBeCloseTo(
      raw.reduce((a, b) => a + b, 0),
      3,
    );
  });

  it("gives the same scores with and without a reused prefix, and counts the saved prefill", async () => {
    const shared = "Q: 1+1? A: 2\nQ: 2+2? A: 4\nQ: 3+3? A: 6\nQ: 4+4? A:";
    const choices = [" 8", " 9", " eight", " 16"];
    const before = provider.stats();
    const warm = await provider.loglikelihood({ text: shared }, choices, call);
    const after = provider.stats();
    const submitted = after.promptTokens - before.promptTokens;
    const evaluated = after.prefillTokens - before.prefillTokens;
    expect(evaluated).toBeLessThan(submitted / 2);
    const cold = await Promise.all(
      choices.map(async (choice) => {
        await provider.generate({ text: "unrelated" }, { temperature: 0, maxTokens: 1 }, call);
        await provider.generate({ text: "other" }, { temperature: 0, maxTokens: 1 }, call);
        return (await provider.loglikelihood({ text: shared }, [choice], call))[0];
      }),
    );
    warm.forEach((w, i) => {
      expect(w.tokens).toBe(cold[i].tokens);
      expect(w.logprob).toBeCloseTo(cold[i].logprob, 4);
    });
  });

  it("reuses a few-shot prefix across generations with identical outputs", async () => {
    const prefix = "Example one. Example two. Example three. Now: ";
    const cold = await provider.generate({ text: prefix + "go" }, { ...greedy, logprobs: true }, call);
    const before = provider.stats();
    await provider.generate({ text: prefix + "stop" }, greedy, call);
    const warm = await provider.generate({ text: prefix + "go" }, { ...greedy, logprobs: true }, call);
    const after = provider.stats();
    expect(after.prefillTokens - before.prefillTokens).toBeLessThan((after.promptTokens - before.promptTokens) / 2);
    expect(warm.text).toBe(cold.text);
    warm.tokenLogprobs!.forEach((t, i) => expect(t.logprob).toBeCloseTo(cold.tokenLogprobs![i].logprob, 4));
  });

  it("decodes parallel sequences with the same greedy results as one at a time", async () => {
    const prompts = ["alpha", "beta", "gamma", "delta"].map((text) => ({ text }));
    const sequential = [];
    for (const p of prompts) sequential.push((await provider.generate(p, greedy, call)).text);
    const parallel = await Promise.all(prompts.map((p) => provider.generate(p, greedy, call)));
    expect(parallel.map((g) => g.text)).toEqual(sequential);
  });
});

describe("local provider: chat template and tokenizers", () => {
  it("formats prompts with the GGUF's chat template when chat is on", async () => {
    const path = writeTinyGguf({ dir, seed: 5, tokenizer: "gpt2", chatTemplate: true, name: "chat.gguf" }).path;
    const chat = (await localProvider({ target: path, cwd: dir, config: { chat: true, context_size: 128 } })) as LocalProvider;
    try {
      const tokens = chat.promptTokens({ system: "Be brief.", text: "Hi" });
      const text = chat.model.detokenize(tokens, true);
      expect(text).toContain("<|im_start|>system\nBe brief.<|im_end|>");
      expect(text).toContain("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
      const g = await chat.generate({ system: "Be brief.", text: "Hi" }, greedy, call);
      expect(g.text).not.toContain("<|im_end|>");
      const [ll] = await chat.loglikelihood({ text: "Hi" }, ["ok"], call);
      expect(ll.tokens).toBe(2);
      expect(ll.logprob).toBeLessThan(0);
    } finally {
      await chat.close();
    }
  });
});
