// `npm run bench`: harness overhead (trials/s, peak RSS) at several run sizes, each size
// measured in fresh processes, several times; medians reported.
import { execFileSync } from "node:child_process";
import { join } from "node:path";

const sizes = (process.env.BENCH_SIZES ?? "25000,50000,100000").split(",").map(Number);
// Datasets read from JSONL as `assay run` reads them: memory must stay flat in the dataset's size.
const jsonlSizes = (process.env.BENCH_JSONL_SIZES ?? "100000,1000000").split(",").filter(Boolean).map(Number);
const repeats = Number(process.env.BENCH_REPEATS ?? 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log(`harness overhead: echo model, exact-match, SQLite, gc exposed as the CLI does; ${repeats} runs per size, medians`);
const plan = [...sizes.map((n) => ({ n, mode: "inline" })), ...jsonlSizes.map((n) => ({ n, mode: "jsonl" }))];
for (const { n, mode } of plan) {
  const runs = [];
  for (let r = 0; r < (mode === "jsonl" && n >= 1_000_000 ? 1 : repeats); r++) {
    const out = execFileSync(
      process.execPath,
      ["--expose-gc", "--import", "tsx", join(import.meta.dirname, "harness-overhead.ts"), String(n), mode],
      {
        encoding: "utf8",
      },
    );
    runs.push(JSON.parse(out.trim().split("\n").pop()!) as { trialsPerSecond: number; peakRssMb: number; seconds: number });
  }
  console.log(
    `${mode.padEnd(6)} ${String(n).padStart(7)} trials: ${median(runs.map((r) => r.trialsPerSecond))
      .toFixed(0)
      .padStart(6)} trials/s  ` +
      `(runs: ${runs.map((r) => r.trialsPerSecond.toFixed(0)).join(", ")})  peak RSS ${median(runs.map((r) => r.peakRssMb)).toFixed(0)} MB ` +
      `(runs: ${runs.map((r) => r.peakRssMb.toFixed(0)).join(", ")})`,
  );
}

// CLI start-up (needs a built dist/: npm run build).
if (process.env.BENCH_STARTUP !== "0") {
  console.log("\nstart-up (bench/startup.ts):");
  console.log(execFileSync(process.execPath, ["--import", "tsx", join(import.meta.dirname, "startup.ts")], { encoding: "utf8" }));
}

// Provider benchmarks (local tokens/s vs node-llama-cpp, prefix caching, parallel sequences, remote).
if (process.env.BENCH_PROVIDERS !== "0") {
  console.log("\nproviders (bench/providers.ts):");
  console.log(execFileSync(process.execPath, ["--import", "tsx", join(import.meta.dirname, "providers.ts")], { encoding: "utf8" }));
}

// Metric throughput (BLEU, chrF, ROUGE-L over 10,000 pairs) vs sacrebleu / rouge-score when
// SACREBLEU_PATH and ROUGE_PATH point at their checkouts (see bench/metrics.ts).
if (process.env.BENCH_METRICS !== "0") {
  console.log("\nmetrics (bench/metrics.ts):");
  console.log(
    execFileSync(process.execPath, ["--import", "tsx", join(import.meta.dirname, "metrics.ts")], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    }),
  );
}

// Judges (bench/judges.ts): 10,000 outputs judged by a fake judge with 100 ms latency at
// concurrency 50 against the 500/s bound, and the judge's own cost per judgment.
if (process.env.BENCH_JUDGES !== "0") {
  console.log("\njudges (bench/judges.ts):");
  console.log(execFileSync(process.execPath, ["--import", "tsx", join(import.meta.dirname, "judges.ts")], { encoding: "utf8" }));
}

// Review form (bench/review.ts): a 100,000-item queue, 20 raters over HTTP: p50/p95/p99 of
// next-item and submit, the server's RSS over the run.
if (process.env.BENCH_REVIEW !== "0") {
  console.log("\nreview form (bench/review.ts):");
  console.log(execFileSync(process.execPath, ["--import", "tsx", join(import.meta.dirname, "review.ts")], { encoding: "utf8" }));
}

// The CI gate (bench/gate.ts): 100,000 paired items, pass/fail, score and corpus metric.
if (process.env.BENCH_GATE !== "0") {
  console.log("\ngate (bench/gate.ts):");
  console.log(execFileSync(process.execPath, ["--import", "tsx", join(import.meta.dirname, "gate.ts")], { encoding: "utf8" }));
}

// HTML report (bench/report.ts): 100,000 trials written (seconds, peak RSS, size) and opened in Chromium (first paint).
if (process.env.BENCH_REPORT !== "0")
  console.log(
    `\nHTML report (bench/report.ts):\n${execFileSync(process.execPath, ["--import", "tsx", join(import.meta.dirname, "report.ts")], { encoding: "utf8" })}`,
  );

// Inference settings (bench/inference.ts): every setting of the demo model against the plain one,
// in the same process, interleaved rounds, medians; and the cost of a decode of k tokens.
if (process.env.BENCH_INFERENCE !== "0")
  console.log(
    `\ninference settings (bench/inference.ts):\n${execFileSync(process.execPath, ["--import", "tsx", join(import.meta.dirname, "inference.ts")], { encoding: "utf8" })}`,
  );
