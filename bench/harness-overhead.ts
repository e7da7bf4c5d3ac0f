// One measurement: N trials on an instant model (echo), scored by exact-match and stored in
// a fresh SQLite file. `inline`: a task defined in code (its items in memory); `jsonl`: a
// suite whose dataset is a JSONL file (streamed, as `assay run` reads it). Run it with
// --expose-gc, as the CLI runs (bench/run-all.ts does). Prints {mode, trials, seconds,
// trialsPerSecond, peakRssMb} as JSON; seconds cover runEval only, not writing the data.
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { once } from "node:events";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runEval, type RunOptions } from "../src/run/run-eval.ts";
import { defineTask } from "../src/suite/define-task.ts";

const n = Number(process.argv[2] ?? 100_000);
const mode = process.argv[3] ?? "inline";
const dir = mkdtempSync(join(tmpdir(), "assay-bench-"));
const row = (i: number) => ({ id: `q${i}`, a: i, b: i + 1, answer: String(2 * i + 1) });
const prompt = "Q: What is {{a}} + {{b}}?\nA:";
let source: Pick<RunOptions, "tasks" | "suitesDir">;
if (mode === "jsonl") {
  mkdirSync(join(dir, "suites", "data"), { recursive: true });
  writeFileSync(
    join(dir, "suites", "bench.yaml"),
    `suite: bench\ntasks:\n  - id: overhead\n    dataset: data/items.jsonl\n    prompt: ${JSON.stringify(prompt)}\n    target: "{{answer}}"\n    scorers: [exact-match]\n`,
  );
  const out = createWriteStream(join(dir, "suites", "data", "items.jsonl"));
  for (let i = 0; i < n; i++) if (!out.write(`${JSON.stringify(row(i))}\n`)) await once(out, "drain");
  out.end();
  await once(out, "finish");
  source = { suitesDir: join(dir, "suites") };
} else {
  source = {
    tasks: [
      defineTask({
        suite: "bench",
        id: "overhead",
        items: Array.from({ length: n }, (_, i) => row(i)),
        prompt,
        target: "{{answer}}",
        scorers: ["exact-match"],
      }),
    ],
  };
}
const start = performance.now();
const result = await runEval({ ...source, db: join(dir, "bench.db"), models: ["echo"], cwd: dir });
const seconds = (performance.now() - start) / 1000;
if (result.trials !== n) throw new Error(`expected ${n} trials, stored ${result.trials}`);
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify({ mode, trials: n, seconds, trialsPerSecond: n / seconds, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
