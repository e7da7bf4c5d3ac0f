// Inference settings of the local backend: every option reaches node-llama-cpp (checked through
// its own objects), and the output-preserving ones (speculative decoding, prefix caching,
// prompt-lookup) leave greedy outputs unchanged while their measurements are reported.
import { DraftSequenceTokenPredictor, InputLookupTokenPredictor } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.ts";
import { type LocalProvider, localProvider } from "../../src/provider/local.ts";
import type { GenerateParams } from "../../src/provider/types.ts";
import { writeTinyGguf } from "../fixtures/gguf-writer.ts";
import { workspace } from "../helpers/workspace.ts";

const call = { task: "t", item: "i", strategy: "s", sample: 0 };
const greedy: GenerateParams = { temperature: 0, maxTokens: 24 };
// Prompts sharing a long prefix, as few-shot prompts do.
const shared = "Translate the following words, one per line. apple banana cherry date elderberry fig grape. ";
const prompts = [`${shared}First:`, `${shared}Second:`, `${shared}Third one:`, "A different start entirely"];
let dir: string;
let modelPath: string;
const open: LocalProvider[] = [];

async function load(config: Record<string, unknown>, path = modelPath): Promise<LocalProvider> {
  const provider = (await localProvider({ target: path, cwd: dir, config: { context_size: 256, ...config } })) as LocalProvider;
  open.push(provider);
  return provider;
}

async function outputs(provider: LocalProvider) {
  const out = [];
  for (const text of prompts) out.push(await provider.generate({ text }, greedy, call));
  return out;
}

beforeAll(() => {
  dir = workspace();
  modelPath = writeTinyGguf({ dir, seed: 5 }).path;
});

afterAll(async () => {
  for (const p of open) await p.close();
});

describe("local inference settings", () => {
  it("passes every option to node-llama-cpp and records what node-llama-cpp reports", async () => {
    const draft = writeTinyGguf({ dir, seed: 6, name: "draft.gguf" }).path;
    const provider = await load({
      threads: 2,
      batch_size: 64,
      context_size: 256,
      flash_attention: true,
      parallel: 3,
      prefix_cache: false,
      draft,
      draft_tokens: 3,
    });
    const context = provider.context;
    expect(context.idealThreads).toBe(2);
    expect(context.batchSize).toBe(64);
    expect(context.contextSize).toBe(256);
    expect(context.flashAttention).toBe(true);
    expect(context.totalSequences).toBe(3);
    expect(provider.model.gpuLayers).toBe(0);
    expect(provider.sequences).toHaveLength(3);
    const predictors = provider.sequences.map((s) => s.tokenPredictor);
    for (const predictor of predictors) {
      expect(predictor).toBeInstanceOf(DraftSequenceTokenPredictor);
      const p = predictor as DraftSequenceTokenPredictor;
      expect([p.minTokens, p.maxTokens, p.minConfidence]).toEqual([3, 3, 0]);
      // The draft runs in a context of its own model, with the same shape.
      expect(p.draftSequence.model).not.toBe(provider.model);
      expect(p.draftSequence.context.contextSize).toBe(256);
    }
    // One draft sequence per target sequence: predictors are never shared.
    expect(new Set(predictors.map((p) => (p as DraftSequenceTokenPredictor).draftSequence)).size).toBe(3);
    expect(provider.settings).toEqual({
      threads: 2,
      batch_size: 64,
      context_size: 256,
      flash_attention: true,
      prefix_cache: false,
      parallel: 3,
      gpu: "off",
      gpu_layers: 0,
      draft: "draft.gguf",
      draft_tokens: 3,
    });
    expect(provider.draftFile).toBe(draft);
  });

  it("records the context size llama.cpp actually made, not the one asked for", async () => {
    // llama.cpp pads a context to a multiple of 256 tokens.
    const provider = await load({ context_size: 192 });
    expect(provider.context.contextSize).toBe(256);
    expect(provider.settings.context_size).toBe(256);
  });

  it("speculative decoding gives the same greedy outputs and reports the draft tokens accepted", async () => {
    const plain = await outputs(await load({}));
    // The model drafting for itself (every draft token should be accepted) and an unrelated draft (few).
    const self = await outputs(await load({ draft: modelPath, draft_tokens: 4 }));
    const other = await outputs(await load({ draft: writeTinyGguf({ dir, seed: 9, name: "other.gguf" }).path, draft_tokens: 4 }));
    expect(self.map((g) => g.text)).toEqual(plain.map((g) => g.text));
    expect(other.map((g) => g.text)).toEqual(plain.map((g) => g.text));
    const total = (gs: typeof plain, key: "draftAccepted" | "draftProposed") => gs.reduce((n, g) => n + (g[key] ?? 0), 0);
    for (const g of [...self, ...other]) {
      expect(g.draftProposed).toBeGreaterThanOrEqual(g.draftAccepted!);
      expect(g.draftAccepted).toBeGreaterThanOrEqual(0);
    }
    expect(total(self, "draftProposed")).toBeGreaterThan(0);
    expect(total(self, "draftAccepted") / total(self, "draftProposed")).toBeGreaterThan(
      total(other, "draftAccepted") / total(other, "draftProposed"),
    );
    expect(plain.every((g) => g.draftProposed === undefined)).toBe(true);
  });

  it("prompt-lookup decoding gives the same greedy outputs", async () => {
    const provider = await load({ draft: "input-lookup", draft_tokens: 3 });
    expect(provider.sequences[0].tokenPredictor).toBeInstanceOf(InputLookupTokenPredictor);
    expect(provider.settings.draft).toBe("input-lookup");
    expect(provider.draftFile).toBeUndefined();
    const plain = await outputs(await load({}));
    const lookup = await outputs(provider);
    expect(lookup.map((g) => g.text)).toEqual(plain.map((g) => g.text));
    // It is told each prompt, so it proposes tokens (a random model's output repeats prompt tokens).
    expect(lookup.reduce((n, g) => n + (g.draftProposed ?? 0), 0)).toBeGreaterThan(0);
  });

  it("prefix cache on and off give the same outputs; only on reuses the shared prefix", async () => {
    const on = await outputs(await load({ prefix_cache: true }));
    const off = await outputs(await load({ prefix_cache: false }));
    expect(on.map((g) => g.text)).toEqual(off.map((g) => g.text));
    for (const g of off) expect(g.prefillTokens).toBe(g.inputTokens);
    // The second and third prompts share the first's prefix: only their tails are evaluated.
    expect(on[0].prefillTokens).toBe(on[0].inputTokens);
    for (const g of on.slice(1, 3)) expect(g.prefillTokens!).toBeLessThan(g.inputTokens! / 2);
  });

  it("times the first token of every call", async () => {
    const [g] = await outputs(await load({}));
    expect(g.ttftMs).toBeGreaterThan(0);
    expect(g.ttftMs).toBeLessThanOrEqual(g.latencyMs);
  });

  it("gpu: auto uses a GPU when llama.cpp finds one, and otherwise says it runs on the CPU", async () => {
    const provider = await load({ gpu: "auto" });
    if (provider.model.llama.gpu === false) {
      expect(provider.settings.gpu).toBe("auto: none found (CPU)");
      expect(provider.notices.join("\n")).toMatch(/found no GPU .*running on the CPU/);
      expect(provider.model.gpuLayers).toBe(0);
    } else {
      expect(provider.settings.gpu).toBe(provider.model.llama.gpu);
      expect(provider.model.gpuLayers).toBeGreaterThan(0);
    }
  });

  it("refuses a draft model with another vocabulary", async () => {
    const gpt2 = writeTinyGguf({ dir, seed: 2, tokenizer: "gpt2", name: "gpt2.gguf" }).path;
    const error = await load({ draft: gpt2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(/gpt2\.gguf has another vocabulary/);
  });
});
