// Where a run's time goes: runs bench/harness-overhead.ts (N echo trials; `inline` or
// `jsonl`) under V8's CPU profiler and sums self time by part of assay. Usage:
// npx tsx bench/profile.ts [N] [inline|jsonl]
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const n = process.argv[2] ?? "100000";
const mode = process.argv[3] ?? "inline";
const dir = mkdtempSync(join(tmpdir(), "assay-profile-"));
const out = execFileSync(
  process.execPath,
  ["--expose-gc", "--cpu-prof", `--cpu-prof-dir=${dir}`, "--import", "tsx", join(import.meta.dirname, "harness-overhead.ts"), n, mode],
  { encoding: "utf8" },
);
console.log(out.trim());
// tsx's loader thread writes a profile too: the run is the largest.
const file = readdirSync(dir)
  .filter((f) => f.endsWith(".cpuprofile"))
  .map((f) => join(dir, f))
  .sort((a, b) => readFileSync(b).length - readFileSync(a).length)[0];
const profile = JSON.parse(readFileSync(file, "utf8")) as {
  nodes: { id: number; callFrame: { functionName: string; url: string } }[];
  samples: number[];
  timeDeltas: number[];
};
rmSync(dir, { recursive: true, force: true });

/** The part of assay (or of the runtime) a function belongs to. */
function part(functionName: string, url: string): string {
  if (functionName === "(garbage collector)") return "garbage collection";
  if (functionName === "(idle)" || functionName === "(program)") return "idle / V8 internals";
  if (/better-sqlite3/.test(url) || /src\/store\//.test(url)) return "store: SQLite writes and queries";
  if (/src\/suite\/|src\/template\/variables/.test(url)) return "suite: validating and reading the data";
  if (/src\/report\/|src\/stats\//.test(url)) return "summary: aggregates and intervals";
  if (/src\/score\//.test(url)) return "scoring";
  if (/src\/run\/|src\/strategy\/|src\/template\/|src\/provider\//.test(url)) return "trial loop: plan, schedule, render, call, extract";
  if (/^node:|^$/.test(url) && /esm|module|loader|compile/i.test(functionName + url)) return "loading modules";
  if (/tsx|esbuild|node_modules/.test(url)) return "loading modules";
  return "other (node internals)";
}

const self = new Map<number, number>();
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
const parts = new Map<string, number>();
let total = 0;
for (const node of profile.nodes) {
  const t = self.get(node.id) ?? 0;
  total += t;
  const p = part(node.callFrame.functionName, node.callFrame.url);
  parts.set(p, (parts.get(p) ?? 0) + t);
}
for (const [p, t] of [...parts].sort((a, b) => b[1] - a[1]))
  console.log(`${(t / 1000).toFixed(0).padStart(6)} ms  ${((100 * t) / total).toFixed(1).padStart(5)}%  ${p}`);
console.log(`${(total / 1000).toFixed(0).padStart(6)} ms  total (the process, loading included)`);
