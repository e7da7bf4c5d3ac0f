// Inference settings as evaluation variables (issue 13): each setting of the demo model against
// the plain setting, in the same process, on two demo workloads through assay's own run loop
// (cache off): chain-of-thought addition (long scratchpads) and the judge format (which copies
// the proposed answer from its prompt). Rounds are interleaved (every variant once per round,
// plain first) so machine noise hits all alike; medians over rounds.
// Run: npx tsx bench/inference.ts   (BENCH_ROUNDS=5, BENCH_ITEMS=30, BENCH_VARIANTS=plain,spec-4,..., BENCH_WORKLOADS=add-cot,judge)
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { getLlama } from "node-llama-cpp";
import { packagePath } from "../src/package-paths.ts";
import { createProvider } from "../src/provider/create.ts";
import type { Provider } from "../src/provider/types.ts";
import { runEval } from "../src/run/run-eval.ts";
import { defineTask } from "../src/suite/define-task.ts";

const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const items = Number(process.env.BENCH_ITEMS ?? 30);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const model = (file: string) => packagePath("models", file);
const student = model("demo-student.gguf");

/** name -> settings of a local model (all on models/demo.gguf unless `path` says otherwise). */
const variants: Record<string, Record<string, unknown>> = {
  plain: {},
  "threads-2": { threads: 2 },
  "batch-32": { batch_size: 32 },
  flash: { flash_attention: true },
  "no-prefix-cache": { prefix_cache: false },
  "parallel-2": { parallel: 2 },
  "lookup-1": { draft: "input-lookup", draft_tokens: 1 },
  "lookup-4": { draft: "input-lookup", draft_tokens: 4 },
  "spec-1": { draft: student, draft_tokens: 1 },
  "spec-2": { draft: student, draft_tokens: 2 },
  "spec-4": { draft: student, draft_tokens: 4 },
  "spec-8": { draft: student, draft_tokens: 8 },
  "self-spec-1": { draft: model("demo.gguf"), draft_tokens: 1 },
  "self-spec-4": { draft: model("demo.gguf"), draft_tokens: 4 },
  q8: { path: model("demo-q8_0.gguf") },
  q4: { path: model("demo-q4_0.gguf") },
  student: { path: student },
};
const chosen = (process.env.BENCH_VARIANTS?.split(",") ?? Object.keys(variants)).filter((name) => {
  const settings = variants[name];
  const files = [settings.path, settings.draft].filter((f): f is string => typeof f === "string" && f.endsWith(".gguf"));
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length) console.log(`(skipping ${name}: ${missing.join(", ")} missing)`);
  return missing.length === 0;
});

const rows = (file: string) =>
  readFileSync(packagePath("suites", "demo", "data", file), "utf8")
    .trim()
    .split("\n")
    .slice(0, items)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
const workloads = [
  defineTask({
    id: "add-cot",
    items: rows("add.test.jsonl"),
    prompt: "Q: What is {{a}} + {{b}}?\nA:",
    target: "{{answer}}",
    strategies: ["chain-of-thought"],
    scorers: [{ name: "exact-match", normalize: "number" }],
    generation: { temperature: 0, max_tokens: 100, stop: ["\n"] },
  }),
  defineTask({
    id: "judge",
    items: rows("verify.test.jsonl"),
    prompt:
      "Verify: <<<BEGIN {{boundary}}>>>\nQ: What is {{a}} {{op}} {{b}}?\nA:\n<<<END {{boundary}}>>>\nProposed answer: <<<BEGIN {{boundary}}>>>\n{{proposed}}\n<<<END {{boundary}}>>>\nCheck:",
    target: "Verdict: {{verdict}}\\s*$",
    scorers: ["regex"],
    generation: { temperature: 0, max_tokens: 400, stop: ["\n"] },
  }),
];

const dir = mkdtempSync(join(tmpdir(), "assay-bench-inference-"));
const config = join(dir, "assay.config.yaml");
writeFileSync(
  config,
  `models:\n${chosen
    .map((name) => {
      const { path, ...settings } = variants[name];
      return `  ${name}: ${JSON.stringify({ provider: "local", path: path ?? model("demo.gguf"), ...settings })}`;
    })
    .join("\n")}\n`,
);
const db = join(dir, "bench.db");

interface Measure {
  tokensPerSecond: number;
  outputs: string[];
  accepted: number;
  proposed: number;
  ttftMs: number[];
}

// Every variant loaded once, before timing: the figures are generation, not model loading.
const providers = new Map<string, Provider>();
for (const name of chosen) providers.set(name, await createProvider(name, { cwd: dir, configPath: config }));

async function measure(name: string, task: (typeof workloads)[number]): Promise<Measure> {
  const parallel = Number(variants[name].parallel ?? 1);
  const started = performance.now();
  const result = await runEval({ db, tasks: [task], models: [providers.get(name)!], cache: false, concurrency: parallel });
  const seconds = (performance.now() - started) / 1000;
  const sql = new Database(db, { readonly: true });
  const calls = sql
    .prepare(
      `SELECT c.output, c.output_tokens AS tokens, c.ttft_ms AS ttft, c.draft_accepted AS accepted, c.draft_proposed AS proposed
         FROM calls c JOIN trials t ON t.id = c.trial_id JOIN items i ON i.id = t.item_id JOIN models m ON m.id = t.model_id
        WHERE m.run_id = ? ORDER BY i.id`,
    )
    .all(result.runId) as { output: string; tokens: number; ttft: number; accepted: number | null; proposed: number | null }[];
  sql.close();
  const tokens = calls.reduce((n, c) => n + c.tokens, 0);
  return {
    tokensPerSecond: tokens / seconds,
    outputs: calls.map((c) => c.output),
    accepted: calls.reduce((n, c) => n + (c.accepted ?? 0), 0),
    proposed: calls.reduce((n, c) => n + (c.proposed ?? 0), 0),
    ttftMs: calls.map((c) => c.ttft),
  };
}

console.log(
  `inference settings on the demo model: ${items} items per workload, ${rounds} interleaved rounds, cache off, wall-clock tokens/s through assay's run loop, models loaded before timing`,
);
const onlyWorkloads = process.env.BENCH_WORKLOADS?.split(",");
// A generation that never settles would let Node exit silently mid-table: say so instead.
process.on("exit", (code) => {
  if (!finished) console.log(`\nbench/inference.ts stopped before its end (exit code ${code}): a generation never settled`);
});
let finished = false;
for (const task of workloads.filter((w) => !onlyWorkloads || onlyWorkloads.includes(w.id))) {
  const results = new Map<string, Measure[]>(chosen.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) for (const name of chosen) results.get(name)!.push(await measure(name, task));
  const plain = results.get("plain")!;
  console.log(`\n${task.id}:`);
  console.log(
    "variant          tokens/s (median; runs)                    vs plain (median of per-round ratios)  identical to plain  draft accepted  p50 TTFT",
  );
  for (const name of chosen) {
    const runs = results.get(name)!;
    const ratios = runs.map((r, i) => r.tokensPerSecond / plain[i].tokensPerSecond);
    const same = runs[0].outputs.filter((o, i) => o === plain[0].outputs[i]).length;
    const acceptance = runs[0].proposed
      ? `${runs[0].accepted}/${runs[0].proposed} (${((100 * runs[0].accepted) / runs[0].proposed).toFixed(0)}%)`
      : "-";
    console.log(
      `${name.padEnd(16)} ${median(runs.map((r) => r.tokensPerSecond))
        .toFixed(0)
        .padStart(6)} (${runs.map((r) => r.tokensPerSecond.toFixed(0)).join(", ")})`.padEnd(60) +
        `${median(ratios).toFixed(2)}x`.padStart(8) +
        `${same}/${plain[0].outputs.length}`.padStart(30) +
        acceptance.padStart(18) +
        `${median(runs[0].ttftMs).toFixed(1)} ms`.padStart(11),
    );
  }
}
// What speculative decoding can buy here: the cost of one decode of k tokens (the model
// validating k-1 draft tokens) against one of 1 token, and the draft's cost per token.
async function decodeCost(path: string, k: number, repeats = 200): Promise<number> {
  const llama = await getLlama({ gpu: false, build: "never", maxThreads: 2 });
  const loaded = await llama.loadModel({ modelPath: path });
  const context = await loaded.createContext({ contextSize: 512, threads: 1, flashAttention: false });
  const sequence = context.getSequence();
  const prefix = [loaded.tokens.bos!, ...loaded.tokenize("Q: What is 357 + 715?\nA: Let's think step by step.", false)];
  await sequence.evaluateWithoutGeneratingNewTokens(prefix);
  const block = loaded.tokenize(" 357+715: 7+5=12, 2.", false).slice(0, k);
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const started = performance.now();
    await sequence.evaluateWithoutGeneratingNewTokens(block);
    times.push(performance.now() - started);
    await sequence.eraseContextTokenRanges([{ start: prefix.length, end: sequence.nextTokenIndex }]);
  }
  await context.dispose();
  await loaded.dispose();
  return median(times);
}
if (!onlyWorkloads || onlyWorkloads.includes("decode-cost")) {
  console.log("\ndecode cost (node-llama-cpp directly, 1 thread, median of 200 decodes after a 40-token prompt):");
  for (const [name, path] of [
    ["demo (6 layers)", model("demo.gguf")],
    ["student (2 layers)", student],
  ] as const) {
    if (!existsSync(path)) continue;
    const costs = [];
    for (const k of [1, 2, 3, 5]) costs.push(`${k} token${k > 1 ? "s" : ""} ${(await decodeCost(path, k)).toFixed(3)} ms`);
    console.log(`  ${name.padEnd(20)} ${costs.join(", ")}`);
  }
}
finished = true;
for (const provider of providers.values()) await provider.close?.();
rmSync(dir, { recursive: true, force: true });
