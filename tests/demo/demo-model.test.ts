// The shipped demo model (models/demo.gguf) loads through node-llama-cpp directly and gives
// known answers on held-out demo items with the prompts assay's strategies render.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getLlama, LlamaCompletion, type LlamaContext, type LlamaModel } from "node-llama-cpp";

const modelPath = join(import.meta.dirname, "../../models/demo.gguf");

describe("models/demo.gguf through node-llama-cpp", () => {
  let model: LlamaModel;
  let context: LlamaContext;
  let complete: (prompt: string, maxTokens?: number) => Promise<string>;

  beforeAll(async () => {
    const llama = await getLlama({ gpu: false, build: "never", maxThreads: 2 });
    model = await llama.loadModel({ modelPath });
    context = await model.createContext({ contextSize: 512, threads: 1 });
    const sequence = context.getSequence();
    const completion = new LlamaCompletion({ contextSequence: sequence });
    complete = async (prompt, maxTokens = 100) => {
      await sequence.clearHistory();
      return completion.generateCompletion(prompt, { maxTokens, temperature: 0, customStopTriggers: ["\n"] });
    };
  });

  afterAll(async () => {
    await context?.dispose();
    await model?.dispose();
  });

  it("is a small llama model with a byte vocabulary", () => {
    expect(model.fileInfo.metadata.general.architecture).toBe("llama");
    expect(model.tokens.bos).toBe(256);
    const text = "Q: What is 12 + 7?\nA: 19\n\nTransform: abc ->";
    expect(model.tokenize(text).length).toBe(text.length);
    expect(model.detokenize(model.tokenize(text))).toBe(text);
  });

  // Greedy outputs of the PyTorch checkpoint the GGUF was exported from (reference.py, 96
  // tokens at most). They pin the export, not correctness: the shipped model is undertrained
  // (see models/README.md) and most of these answers are wrong. Regenerate them with the model.
  const pytorchGreedy: [string, string][] = [
    ["Q: What is 3577 + 7157?\nA:", " 1044"],
    ["Q: What is 3577 + 7157?\nA: Let's think step by step.", " 7777+7147: 7+7=11, 1. 777+714: 7+7+1=10, 07. 71+77: 1+7+1=10, 077. 7+7: 0+7+1=10, 10727. Thswaa"],
    ["Q: What is 7547 - 1429?\nA: Let's think step by step.", " 7779-2171: 7-1=1, 1. 777-171: 7-1=1, 12. 12-16: 11-7=0, 017. 1-1: 1-1-0=0, 0121. The answer is "],
    ["Transform: abc -> cba\n\nTransform: lmnop -> ponml\n\nTransform: wxyzq ->", " qqqqq"],
    ["English: the big dog sees a red cat today\nZorbish:", " hodi ka sili ka tafu amo"],
    ["Question: What is 932 - 236?\nProposed answer: 696\nVerdict:", " incorrect"],
  ];

  for (const [prompt, expected] of pytorchGreedy) {
    it(`reproduces PyTorch's greedy output for ${JSON.stringify(prompt.slice(0, 40))}`, async () => {
      expect(await complete(prompt, 96)).toBe(expected);
    });
  }

  it("answers in the trained formats: a verdict word, a scratchpad, Zorbish words", async () => {
    expect(["correct", "incorrect"]).toContain((await complete("Question: What is 120 + 45?\nProposed answer: 165\nVerdict:")).trim());
    expect(await complete("Q: What is 2041 + 1302?\nA: Let's think step by step.")).toMatch(/^ \d+\+\d+: \d\+\d/);
    const zorbish = (await complete("English: a small cat eats the fish\nZorbish:")).trim().split(" ");
    const lexicon = new Set("ka mu miro tafu sili noba raku pelo vanu lomi dreva sunu gatto zeki rani kolu bira lusa ruba gora nini vesa feli vedo alto suma kiro nuro juna sapi vek amo nom tro sek odi aju kaz port sap hodi riva rapi lenti sepi nun".split(" "));
    expect(zorbish.filter((w) => lexicon.has(w)).length).toBeGreaterThanOrEqual(zorbish.length - 1);
  });
});
