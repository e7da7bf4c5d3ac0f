// `npm run bench`: harness overhead (trials/s, peak RSS) at several run sizes, each size
// measured in fresh processes, several times; medians reported.
import { execFileSync } from "node:child_process";
import { join } from "node:path";

const sizes = (process.env.BENCH_SIZES ?? "25000,50000,100000").split(",").map(Number);
const repeats = Number(process.env.BENCH_REPEATS ?? 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log(`harness overhead: echo model, exact-match, SQLite; ${repeats} runs per size, medians`);
for (const n of sizes) {
  const runs = [];
  for (let r = 0; r < repeats; r++) {
    const out = execFileSync(process.execPath, ["--import", "tsx", join(import.meta.dirname, "harness-overhead.ts"), String(n)], {
      encoding: "utf8",
    });
    runs.push(JSON.parse(out.trim().split("\n").pop()!) as { trialsPerSecond: number; peakRssMb: number; seconds: number });
  }
  console.log(
    `${String(n).padStart(7)} trials: ${median(runs.map((r) => r.trialsPerSecond))
      .toFixed(0)
      .padStart(6)} trials/s  ` +
      `(runs: ${runs.map((r) => r.trialsPerSecond.toFixed(0)).join(", ")})  peak RSS ${median(runs.map((r) => r.peakRssMb)).toFixed(0)} MB ` +
      `(runs: ${runs.map((r) => r.peakRssMb.toFixed(0)).join(", ")})`,
  );
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
