// `assay gate` on 100,000 paired items: two baseline files (as CI gates a committed baseline)
// with a pass/fail metric (McNemar), a 0-1 score (paired bootstrap, 1,000 resamples) and a
// corpus metric (perplexity's summed statistics, paired bootstrap). Prints {items, seconds,
// peakRssMb} as JSON; seconds cover reading both files and the gate, not writing them;
// each metric's time is printed too (the bootstraps dominate: 2 x 100,000 x 1,000 row sums).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { baselineText, readBaselineFile } from "../src/gate/baseline-file.ts";
import { runGate } from "../src/gate/gate.ts";
import { type GateCell, type GateSide, itemHash } from "../src/gate/side.ts";
import { seededRandom } from "../src/stats/random.ts";

const n = Number(process.argv[2] ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), "assay-bench-gate-"));

function side(seed: number, passRate: number): GateSide {
  const random = seededRandom(seed);
  const keys = Array.from({ length: n }, (_, i) => `q${i}`);
  const base = (metric: string, corpus: boolean): GateCell => ({
    task: "bench/gate",
    model: "m",
    strategy: "zero-shot",
    metric,
    scorer: JSON.stringify({ name: metric, args: {} }),
    corpus,
    values: new Map(),
    stats: new Map(),
  });
  const pass = base("exact-match", false);
  const score = base("edit-distance", false);
  const ppl = base("perplexity", true);
  for (const k of keys) {
    pass.values.set(k, random.next() < passRate ? 1 : 0);
    score.values.set(k, random.next());
    const tokens = 5 + Math.floor(random.next() * 20);
    ppl.stats.set(k, [tokens * (1 + random.next()), tokens, tokens * 4]);
  }
  const items = new Map([["bench/gate", new Map(keys.map((k) => [k, itemHash(`{"id":"${k}"}`)]))]]);
  return { label: `side ${seed}`, run: seed, tasks: new Map([["bench/gate", "0".repeat(64)]]), items, cells: [pass, score, ppl] };
}

const a = join(dir, "a.jsonl");
const b = join(dir, "b.jsonl");
writeFileSync(a, baselineText(side(1, 0.8)));
writeFileSync(b, baselineText(side(2, 0.79)));
const start = performance.now();
const [sa, sb] = [readBaselineFile(a), readBaselineFile(b)];
const readSeconds = (performance.now() - start) / 1000;
const options = { tolerance: 0.02, alpha: 0.05, power: 0.8 };
const perMetric: Record<string, string> = {};
for (const metric of ["exact-match", "edit-distance", "perplexity"]) {
  const only = (s: GateSide) => ({ ...s, cells: s.cells.filter((c) => c.metric === metric) });
  const t = performance.now();
  const [row] = runGate(only(sa), only(sb), options);
  if (row.n !== n) throw new Error("the gate did not pair every item");
  perMetric[metric] = `${row.test} ${row.verdict} ${((performance.now() - t) / 1000).toFixed(2)} s`;
}
const seconds = (performance.now() - start) / 1000;
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify({ items: n, readSeconds, perMetric, seconds, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
