// A stored run for the HTML report's tests: one task of 40 items, two scripted models, two
// strategies, with pass rates known by construction and one hostile output.
import { join } from "node:path";
import type { Provider } from "../../../src/provider/types.ts";
import { runEval } from "../../../src/run/run-eval.ts";
import { defineTask } from "../../../src/suite/define-task.ts";

/** An output that would run script if it were ever rendered as HTML. */
export const HOSTILE = `<script>alert(1)</script></script><!-- <img src=x onerror="alert(2)"> \u2028 done`;

/** How many of the 40 items each (model, strategy) gets right: items i0..i<k-1>. */
export const CORRECT = { "good/zero-shot": 36, "good/terse": 34, "poor/zero-shot": 12, "poor/terse": 10 } as const;

/** Each model's reported latency: the good model is the slower one. */
export const LATENCY = { good: 20, poor: 5 } as const;

function model(id: "good" | "poor"): Provider {
  return {
    id,
    concurrency: 4,
    cacheable: false,
    async generate(_prompt, _params, context) {
      const k = Number(context.item.slice(1));
      const right = CORRECT[`${id}/${context.strategy}` as keyof typeof CORRECT];
      const latencyMs = LATENCY[id];
      // One slow call: the report's latency is the median (5 ms here), not the mean (17.4 ms).
      if (id === "poor" && context.strategy === "terse" && k === 39) return { text: HOSTILE, finishReason: "stop", latencyMs: 500 };
      return { text: k < right ? `answer ${k}` : `wrong ${k}`, finishReason: "stop", latencyMs };
    },
  };
}

/** Store the fixture run in `dir`/`file` (a second call adds a second run); returns the database path and run id. */
export async function fixtureRun(dir: string, file = "assay.db") {
  const db = join(dir, file);
  const task = defineTask({
    suite: "html",
    id: "qa",
    items: Array.from({ length: 40 }, (_, k) => ({ id: `i${k}`, question: `question ${k}`, answer: `answer ${k}` })),
    prompt: "{{question}}",
    target: "{{answer}}",
    strategies: ["zero-shot", { name: "zero-shot", label: "terse" }],
    scorers: ["exact-match"],
  });
  const result = await runEval({ db, tasks: [task], models: [model("good"), model("poor")], cache: false });
  return { db, runId: result.runId };
}
