// The shipped demo model (models/demo.gguf) loads through node-llama-cpp directly and gives
// known answers on held-out demo items with the prompts assay's strategies render.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getLlama, LlamaCompletion, type LlamaContext, type LlamaModel } from "node-llama-cpp";
import { fence } from "../../src/score/autorater/fence.ts";

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

  // Greedy outputs of the PyTorch checkpoint the GGUF was exported from (reference.py, 320
  // tokens at most): the export must reproduce them exactly. Regenerate them with the model.
  // The direct answer to 357 + 715 is wrong and the scratchpad right, as on the eval items;
  // the reverse demonstrations are read as rotate (reverse is the rule it infers worst).
  const judgePrompt = (question: string, proposed: string) =>
    `Verify: <<<BEGIN 3f9a1c07d2e4b5a6>>>\n${question}\nA:\n<<<END 3f9a1c07d2e4b5a6>>>\nProposed answer: <<<BEGIN 3f9a1c07d2e4b5a6>>>\n${proposed}\n<<<END 3f9a1c07d2e4b5a6>>>\nCheck:`;
  const pytorchGreedy: [string, string][] = [
    ["Q: What is 357 + 715?\nA:", " 1027"],
    [
      "Q: What is 357 + 715?\nA: Let's think step by step.",
      " 357+715: 7+5=12, 2. 35+71: 5+1+1=7, 72. 3+7: 3+7=10, 1072. The answer is 1072.",
    ],
    ["Q: What is 754 - 142?\nA: Let's think step by step.", " 754-142: 4-2=2, 2. 75-14: 5-4=1, 12. 7-1: 7-1=6, 612. The answer is 612."],
    ["Transform: abc -> cba\n\nTransform: lmno -> onml\n\nTransform: wxyz ->", " xyzw"],
    ["Transform: abc -> aabbcc\n\nTransform: lmno -> llmmnnoo\n\nTransform: wxyz ->", " wwxxyyzz"],
    ["English: the big dog sees a red cat today\nZorbish:", " hodi ka tafu gora mu miro ruba vek"],
    [
      judgePrompt("Q: What is 357 + 715?", "1072"),
      " Proposed 1072. 357+715: 7+5=12, 2. 35+71: 5+1+1=7, 72. 3+7: 3+7=10, 1072. The answer is 1072." +
        " 1072=1072? 2=2 yes. 107=107? 7=7 yes. 10=10? 0=0 yes. 1=1? 1=1 yes. Verdict: correct",
    ],
    [
      judgePrompt("Q: What is 754 - 142?", "622"),
      " Proposed 622. 754-142: 4-2=2, 2. 75-14: 5-4=1, 12. 7-1: 7-1=6, 612. The answer is 612. 612=622? 2=2 yes. 61=62? 1=2 no. Verdict: incorrect",
    ],
  ];

  for (const [prompt, expected] of pytorchGreedy) {
    it(`reproduces PyTorch's greedy output for ${JSON.stringify(prompt.slice(0, 40))}`, async () => {
      expect(await complete(prompt, 320)).toBe(expected);
    });
  }

  it("solves held-out add items with the scratchpad, not with a direct answer", async () => {
    const items = readFileSync(join(import.meta.dirname, "../../suites/demo/data/add.test.jsonl"), "utf8")
      .trim()
      .split("\n")
      .slice(0, 10)
      .map((line) => JSON.parse(line) as { a: number; b: number; answer: string });
    let direct = 0;
    for (const { a, b, answer } of items) {
      const scratchpad = await complete(`Q: What is ${a} + ${b}?\nA: Let's think step by step.`);
      expect(scratchpad, `${a} + ${b}`).toMatch(new RegExp(`The answer is ${answer}\\.$`));
      if ((await complete(`Q: What is ${a} + ${b}?\nA:`)).trim() === answer) direct++;
    }
    // Measured on all 150 eval items: scratchpad 150/150, direct 2/150.
    expect(direct).toBeLessThanOrEqual(1);
  });

  it("answers in the trained formats: a scratchpad, Zorbish words", async () => {
    expect(await complete("Q: What is 204 + 130?\nA: Let's think step by step.")).toMatch(/^ \d+\+\d+: \d\+\d/);
    const zorbish = (await complete("English: a small cat eats the fish\nZorbish:")).trim().split(" ");
    const lexicon = new Set(
      "ka mu miro tafu sili noba raku pelo vanu lomi dreva sunu gatto zeki rani kolu bira lusa ruba gora nini vesa feli vedo alto suma kiro nuro juna sapi vek amo nom tro sek odi aju kaz port sap hodi riva rapi lenti sepi nun".split(
        " ",
      ),
    );
    expect(zorbish.filter((w) => lexicon.has(w)).length).toBeGreaterThanOrEqual(zorbish.length - 1);
  });

  // The judge prompt of suites/demo/verify.hbs, fenced as assay fences it. For held-out items
  // the model works the sum, copies the proposed answer and ends in the exact-match verdict:
  // for the right answer, for its own direct (zero-shot) answer, and for near misses.
  it("verifies proposed answers to held-out items as a judge, working first", async () => {
    const judge = async (question: string, proposed: string, boundary: string) => {
      const line = await complete(
        `Verify: ${fence(`${question}\nA:`, boundary).text}\nProposed answer: ${fence(proposed, boundary).text}\nCheck:`,
        320,
      );
      return { line, verdict: [...line.matchAll(/Verdict: (correct|incorrect)/g)].pop()?.[1] };
    };
    const cases: { question: string; proposed: string; expected: string }[] = [];
    for (const [file, op] of [
      ["add", "+"],
      ["sub", "-"],
    ] as const) {
      const items = readFileSync(join(import.meta.dirname, `../../suites/demo/data/${file}.test.jsonl`), "utf8")
        .trim()
        .split("\n")
        .slice(0, 4)
        .map((line) => JSON.parse(line) as { a: number; b: number; answer: string });
      for (const { a, b, answer } of items) {
        const question = `Q: What is ${a} ${op} ${b}?`;
        const direct = (await complete(`${question}\nA:`)).trim();
        cases.push({ question, proposed: answer, expected: "correct" });
        cases.push({ question, proposed: direct, expected: direct === answer ? "correct" : "incorrect" });
        cases.push({ question, proposed: String(Number(answer) + 10), expected: "incorrect" });
      }
    }
    expect(cases.filter((c) => c.expected === "incorrect").length).toBeGreaterThanOrEqual(12);
    let i = 0;
    for (const c of cases) {
      const boundary = (0x3f9a1c07d2e4b5a0n + BigInt(i++)).toString(16);
      const { line, verdict } = await judge(c.question, c.proposed, boundary);
      expect(verdict, `${c.question} proposed ${JSON.stringify(c.proposed)}: ${line}`).toBe(c.expected);
    }
  });
});
