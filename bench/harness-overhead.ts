// One measurement: N trials on an instant model (echo), scored by exact-match and stored
// in a fresh SQLite file. Prints {trials, seconds, trialsPerSecond, peakRssMb} as JSON.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runEval } from "../src/run/run-eval.ts";
import { defineTask } from "../src/suite/define-task.ts";

const n = Number(process.argv[2] ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), "assay-bench-"));
const task = defineTask({
  suite: "bench",
  id: "overhead",
  items: Array.from({ length: n }, (_, i) => ({ id: `q${i}`, a: i, b: i + 1, answer: String(2 * i + 1) })),
  prompt: "Q: What is {{a}} + {{b}}?\nA:",
  target: "{{answer}}",
  scorers: ["exact-match"],
});
const start = performance.now();
const result = await runEval({ db: join(dir, "bench.db"), tasks: [task], models: ["echo"] });
const seconds = (performance.now() - start) / 1000;
if (result.trials !== n) throw new Error(`expected ${n} trials, stored ${result.trials}`);
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify({ trials: n, seconds, trialsPerSecond: n / seconds, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
