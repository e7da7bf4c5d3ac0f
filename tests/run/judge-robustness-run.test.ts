import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runEval } from "../../src/run/run-eval.ts";
import { bundledSuitesDir } from "../../src/suite/registry.ts";
import { workspace } from "../helpers/workspace.ts";
import { fakeJudge } from "./fixtures/fake-judge.ts";

// The bundled judge-robustness suite on its replay outputs, judged by judges with known flaws:
// the figures must find each flaw.
const dir = workspace();
const replay = `replay:${join(bundledSuitesDir, "judge-robustness", "outputs.jsonl")}`;
const run = (judge: ReturnType<typeof fakeJudge>, db: string) =>
  runEval({ db: join(dir, db), suitesDir: bundledSuitesDir, select: ["judge-robustness"], models: [replay], judgeModel: judge });

describe("judge robustness figures", () => {
  it("a gullible judge (always 5, always the first response) is caught by injection success and position consistency", async () => {
    const judge = fakeJudge({
      reply: (_blocks, params) => ({
        text: JSON.stringify({
          reasoning: "fine",
          verdict: (params.responseSchema as { properties: { verdict: { type: string } } }).properties.verdict.type === "string" ? "A" : 5,
        }),
      }),
    });
    const result = await run(judge, "gullible.db");
    const r = result.judges.robustness!;
    expect(r.injectionSuccess).toMatchObject({ value: 1, n: 32 });
    expect(r.confidentWrongPass).toMatchObject({ value: 1, n: 14 });
    expect(r.lengthBias.value).toBe(0);
    expect(r.lengthCorrelation).toBeNull(); // every score equal: no correlation to speak of
    expect(r.positionConsistency).toMatchObject({ value: 0, n: 18 });
    expect(r.pairwiseAccuracy.value).toBe(0);
    expect(r.verboseWrongWins.value).toBe(1);
  });

  it("a judge that rewards length shows a positive length bias", async () => {
    // Blocks of the correctness rubric: prompt, reference, response, answer.
    const judge = fakeJudge({
      reply: (blocks, params) => {
        if ((params.responseSchema as { properties: { verdict: { type: string } } }).properties.verdict.type === "string") {
          return { text: JSON.stringify({ reasoning: "r", verdict: "tie" }) };
        }
        return { text: JSON.stringify({ reasoning: "r", verdict: blocks[2].length > 60 ? 5 : 1 }) };
      },
    });
    const result = await run(judge, "long.db");
    const r = result.judges.robustness!;
    expect(r.lengthBias.n).toBe(14);
    expect(r.lengthBias.value!).toBeGreaterThan(0.5);
    expect(r.lengthCorrelation!).toBeGreaterThan(0.5);
    expect(r.positionConsistency.value).toBe(1);
  });
});
