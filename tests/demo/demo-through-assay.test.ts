// The shipped demo model through assay's own path: `local:demo` resolved by createProvider,
// the suites' prompts rendered by the strategies, answers scored and stored by runEval.
// Known answers are those the PyTorch checkpoint gives (see demo-model.test.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { createProvider } from "../../src/provider/create.ts";
import { runEval } from "../../src/run/run-eval.ts";
import { defineTask } from "../../src/suite/define-task.ts";
import type { Provider } from "../../src/provider/types.ts";
import { workspace } from "../helpers/workspace.ts";

let demo: Provider;
beforeAll(async () => {
  demo = await createProvider("local:demo", { cwd: process.cwd() });
});
afterAll(async () => demo?.close?.());

describe("local:demo", () => {
  it("gives the checkpoint's greedy answers through the provider", async () => {
    const call = { task: "t", item: "1", strategy: "zero-shot", sample: 0 };
    const params = { temperature: 0, maxTokens: 320, stop: ["\n"] };
    expect((await demo.generate({ text: "Q: What is 357 + 715?\nA:" }, params, call)).text).toBe(" 1027");
    const judge =
      "Verify: <<<BEGIN 3f9a1c07d2e4b5a6>>>\nQ: What is 754 - 142?\nA:\n<<<END 3f9a1c07d2e4b5a6>>>\n" +
      "Proposed answer: <<<BEGIN 3f9a1c07d2e4b5a6>>>\n622\n<<<END 3f9a1c07d2e4b5a6>>>\nCheck:";
    expect((await demo.generate({ text: judge }, params, call)).text).toBe(
      " Proposed 622. 754-142: 4-2=2, 2. 75-14: 5-4=1, 12. 7-1: 7-1=6, 612. The answer is 612. 612=622? 2=2 yes. 61=62? 1=2 no. Verdict: incorrect",
    );
  });

  it("chain of thought beats zero-shot on held-out additions through runEval", async () => {
    const task = defineTask({
      suite: "demo-check",
      id: "add",
      dataset: join(import.meta.dirname, "../../suites/demo/data/add.test.jsonl"),
      prompt: "Q: What is {{a}} + {{b}}?\nA:",
      target: "{{answer}}",
      strategies: ["zero-shot", "chain-of-thought"],
      generation: { temperature: 0, max_tokens: 100, stop: ["\n"] },
      scorers: ["exact-match"],
    });
    const result = await runEval({ db: join(workspace(), "add.db"), tasks: [task], models: [demo], limit: 12 });
    const value = (strategy: string) => result.results.find((r) => r.strategy === strategy)?.value;
    expect(value("chain-of-thought")).toBe(1);
    expect(value("zero-shot")).toBeLessThanOrEqual(1 / 12);
  });

  it("scores a judge-format verification task through runEval (the verdicts the model gives)", async () => {
    const fields = { a: 932, op: "-", b: 236, proposed: "696", boundary: "3f9a1c07d2e4b5a6" };
    const task = defineTask({
      suite: "demo-check",
      id: "verify",
      // The judge-format prompt and regex target of suites/demo/verification.yaml.
      items: [
        { id: "v1", ...fields, verdict: "correct" },
        { id: "v2", ...fields, verdict: "incorrect" },
      ],
      prompt:
        "Verify: <<<BEGIN {{boundary}}>>>\nQ: What is {{a}} {{op}} {{b}}?\nA:\n<<<END {{boundary}}>>>\nProposed answer: <<<BEGIN {{boundary}}>>>\n{{proposed}}\n<<<END {{boundary}}>>>\nCheck:",
      target: "Verdict: {{verdict}}\\s*$",
      generation: { max_tokens: 320, stop: ["\n"] },
      scorers: ["regex"],
    });
    const result = await runEval({ db: join(workspace(), "demo.db"), tasks: [task], models: [demo] });
    // 932 - 236 = 696: the model says "correct", so the item labelled correct passes and the other fails.
    expect(result.results[0]).toMatchObject({ model: "local:demo", value: 0.5, n: 2, errors: 0 });
  });
});
