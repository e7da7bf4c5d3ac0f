// A stored run to make review queues from: task qa/add with `n` items, two models (replay with
// every third answer wrong, echo), two strategies, exact-match and a judge ("grader") whose
// three samples answer 5 on right outputs and 1 on wrong ones, except: on item q1 of the replay
// model they spread (3, 4, 5, 3, 4, 5 over the six calls: a pass, and the only uncertain outputs),
// and on item q2 of echo they answer 5 (a pass exact-match fails: the only disagreements).
import { join } from "node:path";
import { runEval } from "../../../src/run/run-eval.ts";
import { openStore, type Db } from "../../../src/store/db.ts";
import { fakeJudge } from "../../run/fixtures/fake-judge.ts";
import { jsonl, workspace } from "../../helpers/workspace.ts";

export const suiteYaml = `suite: qa
tasks:
  - id: add
    dataset: data/add.jsonl
    prompt: "What is {{a}} + {{b}}?"
    target: "{{sum}}"
    strategies: [zero-shot, chain-of-thought]
    scorers:
      - exact-match
      - { name: judge, label: grader, model: judge, rubric: correctness, samples: 3 }
`;

export function reviewWorkspace(n: number): { dir: string; items: { id: string; a: number; b: number; sum: string }[] } {
  const items = Array.from({ length: n }, (_, i) => ({ id: `q${i}`, a: i, b: 1, sum: String(i + 1) }));
  const outputs = items.map((it, i) => ({ task: "add", item: it.id, output: i % 3 === 0 ? "no idea" : it.sum }));
  const dir = workspace({ "suites/qa.yaml": suiteYaml, "suites/data/add.jsonl": jsonl(items), "out.jsonl": jsonl(outputs) });
  return { dir, items };
}

/** Run the suite in `dir` into `dir/.assay/assay.db` (models: replay, and echo unless `oneModel`) and open it read-write. */
export async function reviewRun(
  n: number,
  options: { oneModel?: boolean } = {},
): Promise<{ dir: string; db: Db; runId: number; path: string }> {
  const { dir } = reviewWorkspace(n);
  let call = 0;
  const judge = fakeJudge({
    reply: (blocks) => {
      // Whichever three of the six calls a trial gets, they are not all equal.
      if (blocks[2]?.trim() === "2" && blocks[0]?.includes("1 + 1")) {
        const verdict = 3 + (call++ % 3);
        return { text: JSON.stringify({ reasoning: "spread", verdict }) };
      }
      if (blocks[2]?.startsWith("What is 2 + 1?")) return { text: JSON.stringify({ reasoning: "lenient", verdict: 5 }) };
      return undefined;
    },
  });
  const path = join(dir, ".assay", "assay.db");
  const result = await runEval({
    cwd: dir,
    db: path,
    models: options.oneModel ? ["replay:out.jsonl"] : ["replay:out.jsonl", "echo"],
    judgeModel: judge,
  });
  return { dir, db: openStore(path), runId: result.runId, path };
}
