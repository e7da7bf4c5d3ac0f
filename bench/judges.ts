// Judge throughput and overhead (issue 10): 10,000 echo outputs judged by an in-process fake
// judge with 100 ms latency at judge concurrency 50 (bound: 50 / 0.1 s = 500 judgments/s), and
// the judge's own cost per judgment: the same run with a 0 ms judge minus the run without a
// judge, over the judgments. Each run in a fresh process with gc exposed (as the CLI runs).
// Run: npx tsx bench/judges.ts   (BENCH_JUDGE_N items, BENCH_REPEATS runs per measurement)
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Provider } from "../src/provider/types.ts";
import { runEval } from "../src/run/run-eval.ts";
import { defineTask } from "../src/suite/define-task.ts";

type Mode = "judge" | "none";

/** A judge model answering a fixed verdict after `latencyMs` (no timer at all for 0). */
function fakeJudge(latencyMs: number): Provider {
  const reply = { text: '{"reasoning":"the response matches the reference","verdict":5}', finishReason: "stop", latencyMs };
  return {
    id: `bench:judge-${latencyMs}ms`,
    concurrency: 50,
    generate: () => (latencyMs ? new Promise((resolve) => setTimeout(() => resolve(reply), latencyMs)) : Promise.resolve(reply)),
  };
}

/** One measurement in this process: seconds for runEval over `n` items, judged or not. */
async function measure(n: number, mode: Mode, latencyMs: number): Promise<{ seconds: number; cpuSeconds: number; judgments: number }> {
  const dir = mkdtempSync(join(tmpdir(), "assay-bench-judges-"));
  const judge = { name: "judge", label: "correctness", model: "judge", rubric: "correctness", concurrency: 50 };
  const task = defineTask({
    suite: "bench",
    id: "judged",
    items: Array.from({ length: n }, (_, i) => ({ id: `q${i}`, a: i, b: i + 1, answer: String(2 * i + 1) })),
    prompt: "Q: What is {{a}} + {{b}}?\nA:",
    target: "{{answer}}",
    scorers: mode === "judge" ? ["exact-match", judge] : ["exact-match"],
  });
  const started = performance.now();
  const cpu = process.cpuUsage();
  const result = await runEval({
    tasks: [task],
    db: join(dir, "bench.db"),
    models: ["echo"],
    cwd: dir,
    judgeModel: mode === "judge" ? fakeJudge(latencyMs) : undefined,
  });
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  rmSync(dir, { recursive: true, force: true });
  const row = result.results.find((r) => r.metric === "correctness");
  if (result.trials !== n || (mode === "judge" && row?.judge?.judgments !== n))
    throw new Error(`expected ${n} trials and judgments, got ${result.trials} and ${row?.judge?.judgments}`);
  return { seconds, cpuSeconds, judgments: mode === "judge" ? n : 0 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

if (process.argv[2] === "one") {
  const [, , , n, mode, latency] = process.argv;
  console.log(JSON.stringify(await measure(Number(n), mode as Mode, Number(latency))));
} else {
  const n = Number(process.env.BENCH_JUDGE_N ?? 10_000);
  const repeats = Number(process.env.BENCH_REPEATS ?? 3);
  const one = (mode: Mode, latency: number) =>
    JSON.parse(
      execFileSync(process.execPath, ["--expose-gc", "--import", "tsx", import.meta.filename, "one", String(n), mode, String(latency)], {
        encoding: "utf8",
      })
        .trim()
        .split("\n")
        .pop()!,
    ) as { seconds: number; cpuSeconds: number };
  const slow: number[] = [];
  const instant: { seconds: number; cpuSeconds: number }[] = [];
  const bare: { seconds: number; cpuSeconds: number }[] = [];
  // Alternated, so that a change in the machine's load falls on all three alike.
  for (let r = 0; r < repeats; r++) {
    slow.push(one("judge", 100).seconds);
    instant.push(one("judge", 0));
    bare.push(one("none", 0));
  }
  const rates = slow.map((s) => n / s);
  const rate = median(rates);
  // Per judgment, in ms: wall time (what a user waits; on a loaded machine it includes waiting
  // for a core) and CPU time (user + system, the work itself).
  const overheads = instant.map((s, i) => ((s.seconds - bare[i].seconds) * 1000) / n);
  const cpuOverheads = instant.map((s, i) => ((s.cpuSeconds - bare[i].cpuSeconds) * 1000) / n);
  const fmt = (xs: number[]) => xs.map((x) => x.toFixed(3)).join(", ");
  console.log(
    `judges, ${n} echo outputs, correctness rubric, fake judge 100 ms at concurrency 50, ${repeats} runs each in fresh processes, medians: ` +
      `${rate.toFixed(0)} judgments/s (${(rate / 5).toFixed(1)}% of the 500/s bound; runs ${rates.map((x) => x.toFixed(0)).join(", ")}); ` +
      `overhead per judgment ${median(overheads).toFixed(3)} ms wall, ${median(cpuOverheads).toFixed(3)} ms CPU ` +
      `(0 ms judge ${median(instant.map((x) => x.seconds)).toFixed(2)} s minus no judge ${median(bare.map((x) => x.seconds)).toFixed(2)} s, over ${n}; ` +
      `runs wall ${fmt(overheads)}, CPU ${fmt(cpuOverheads)})`,
  );
}
