// The demo model's shipped quantized copies: reproduced byte for byte by `assay quantize`, and
// close to the F32 model in greedy output and next-token log-probs on demo prompts.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { packagePath } from "../../src/package-paths.ts";
import { type LocalProvider, localProvider } from "../../src/provider/local.ts";
import { assay } from "../helpers/cli.ts";
import { workspace } from "../helpers/workspace.ts";
import { logprobDeltas, nextTokenLogprobs } from "./logprobs.ts";

const call = { task: "t", item: "i", strategy: "s", sample: 0 };
const MODELS = {
  f32: packagePath("models", "demo.gguf"),
  q8_0: packagePath("models", "demo-q8_0.gguf"),
  q4_0: packagePath("models", "demo-q4_0.gguf"),
};

// The demo suites' prompt formats: chain of thought (arithmetic), zero-shot sum, strings, translation.
const PROMPTS = [
  "Q: What is 357 + 715?\nA: Let's think step by step.",
  "Q: What is 623 - 190?\nA: Let's think step by step.",
  "Q: What is 482 + 396?\nA:",
  "Transform: dtjc ->",
  "English: the small fish knows a big child\nZorbish:",
  "English: the boat eats a queen again\nZorbish:",
];

// Measured here over the F32 model's greedy continuations of PROMPTS (219 positions):
// Q8_0 max |delta| 0.0224, mean 0.0004; Q4_0 max 0.158, mean 0.0030 (nats). Tolerances:
const TOLERANCE = { q8_0: { max: 0.1, mean: 0.005 }, q4_0: { max: 0.5, mean: 0.02 } };

describe("demo model, quantized", () => {
  it("the shipped models/demo-q8_0.gguf and demo-q4_0.gguf are what assay quantize writes now", () => {
    const dir = workspace();
    for (const type of ["q8_0", "q4_0"] as const) {
      const out = join(dir, `demo-${type}.gguf`);
      const r = assay(dir, "quantize", MODELS.f32, "--type", type, "--out", out);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(readFileSync(out).equals(readFileSync(MODELS[type]))).toBe(true);
    }
  });

  const providers: Partial<Record<keyof typeof MODELS, LocalProvider>> = {};
  afterAll(async () => {
    for (const p of Object.values(providers)) await p?.close();
  });

  it("greedy outputs match F32 (Q8_0 on every prompt, Q4_0 where the F32 model is confident) and log-probs stay within tolerance", async () => {
    for (const [name, path] of Object.entries(MODELS))
      providers[name as keyof typeof MODELS] = (await localProvider({
        target: path,
        cwd: process.cwd(),
        config: { context_size: 512 },
      })) as LocalProvider;
    const { f32, q8_0, q4_0 } = providers as Record<keyof typeof MODELS, LocalProvider>;
    const params = { temperature: 0, maxTokens: 100, stop: ["\n"] };
    const logprobs: Record<string, number[]> = { f32: [], q8_0: [], q4_0: [] };
    const sameAsF32 = { q8_0: 0, q4_0: 0 };
    for (const prompt of PROMPTS) {
      const reference = (await f32.generate({ text: prompt }, params, call)).text;
      for (const [type, provider] of [
        ["q8_0", q8_0],
        ["q4_0", q4_0],
      ] as const)
        if ((await provider.generate({ text: prompt }, params, call)).text === reference) sameAsF32[type]++;
      for (const [name, provider] of Object.entries({ f32, q8_0, q4_0 }))
        logprobs[name].push(...(await nextTokenLogprobs(provider, prompt + reference, prompt.length)));
    }
    // Measured: Q8_0 6/6; Q4_0 5/6 (it answers the zero-shot sum, which F32 gets wrong, differently).
    expect(sameAsF32.q8_0).toBe(PROMPTS.length);
    expect(sameAsF32.q4_0).toBeGreaterThanOrEqual(PROMPTS.length - 1);
    for (const type of ["q8_0", "q4_0"] as const) {
      const deltas = logprobDeltas(logprobs.f32, logprobs[type]);
      expect(deltas.n).toBeGreaterThan(200);
      expect(deltas.max).toBeLessThanOrEqual(TOLERANCE[type].max);
      expect(deltas.mean).toBeLessThanOrEqual(TOLERANCE[type].mean);
    }
  });
});
