// A corpus metric through the whole pipeline: the run's BLEU equals corpus BLEU over the
// same outputs (summed statistics, not a mean of sentence scores), with a bootstrap interval.
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { runEval } from "../../src/run/run-eval.ts";
import { defineTask } from "../../src/suite/define-task.ts";
import { corpusBleu, sentenceBleu } from "../../src/score/metrics/bleu.ts";
import type { Provider } from "../../src/provider/types.ts";
import { workspace } from "../helpers/workspace.ts";

const pairs = [
  ["the cat sat on the mat", "the cat sat on the mat"],
  ["a dog ran in the park today", "the dog runs in the park"],
  ["it is raining heavily now", "it rains a lot"],
  ["we will meet at noon tomorrow", "we meet tomorrow at noon"],
  ["green ideas sleep furiously", "colorless green ideas sleep furiously"],
];

describe("corpus metrics in a run", () => {
  it("reports corpus BLEU from summed statistics with a bootstrap interval", async () => {
    const task = defineTask({
      suite: "mt",
      id: "toy",
      items: pairs.map(([ref], i) => ({ id: `s${i}`, src: String(i), ref })),
      prompt: "{{src}}",
      target: "{{ref}}",
      scorers: ["bleu"],
    });
    const outputs = new Map(pairs.map(([, hyp], i) => [String(i), hyp]));
    const model: Provider = { id: "test:mt", generate: async (p) => ({ text: outputs.get(p.text)!, finishReason: "stop", latencyMs: 0 }) };
    const result = await runEval({ db: join(workspace(), "mt.db"), tasks: [task], models: [model] });
    const expected =
      corpusBleu(
        pairs.map((p) => p[1]),
        [pairs.map((p) => p[0])],
      ).score / 100;
    const meanOfSentences = pairs.reduce((s, [ref, hyp]) => s + sentenceBleu(hyp, [ref]).score / 100, 0) / pairs.length;
    const row = result.results[0];
    expect(row.corpus).toBe(true);
    expect(row.value).toBeCloseTo(expected, 12);
    expect(Math.abs(row.value! - meanOfSentences)).toBeGreaterThan(1e-3);
    expect(row.interval).toBe("bootstrap");
    expect(row.ci![0]).toBeLessThanOrEqual(row.value!);
    expect(row.ci![1]).toBeGreaterThanOrEqual(row.value!);
  });
});
