// Real stored runs for the form's tests: runEval over a code task with scripted models, so
// queues are built from trials exactly as `assay run` stores them.
import { join } from "node:path";
import { runEval } from "../../src/run/run-eval.ts";
import type { Provider } from "../../src/provider/types.ts";
import { defineTask } from "../../src/suite/define-task.ts";

/** A model named `id` whose output for item `i<k>` is `output(k)`. */
export function scriptedModel(id: string, output: (k: number) => string): Provider {
  return {
    id,
    concurrency: 8,
    cacheable: false,
    async generate(_prompt, _params, context) {
      return { text: output(Number(context.item.slice(1))), finishReason: "stop", latencyMs: 0 };
    },
  };
}

/**
 * Store a run of `n` items ("i0".."i<n-1>", input `question <k>` and reference `answer <k>` unless given) by
 * each model into `dir`/`file`; returns the database path and the run id.
 */
export async function storedRun(
  dir: string,
  file: string,
  n: number,
  models: Provider[],
  input?: (k: number) => string,
  reference?: (k: number) => string,
) {
  const db = join(dir, file);
  const task = defineTask({
    suite: "review",
    id: "qa",
    items: Array.from({ length: n }, (_, k) => ({
      id: `i${k}`,
      question: input ? input(k) : `question ${k}`,
      answer: reference ? reference(k) : `answer ${k}`,
    })),
    prompt: "{{question}}",
    target: "{{answer}}",
    scorers: ["exact-match"],
  });
  const result = await runEval({ db, tasks: [task], models, cache: false });
  if (result.errors) throw new Error(`the fixture run had ${result.errors} errors`);
  return { db, runId: result.runId };
}
