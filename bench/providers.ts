// Provider benchmarks (issue 3): local generation through assay vs. node-llama-cpp directly,
// prefill saved by prefix caching on a 5-shot task, parallel sequences vs. one at a time, and
// remote throughput against a fake server with 100 ms latency at concurrency 50.
// Run: npx tsx bench/providers.ts   (BENCH_MODEL=path.gguf to use a real model; BENCH_ONLY=local|remote)
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { getLlama, LlamaCompletion } from "node-llama-cpp";
import { LimitedProvider } from "../src/provider/limits.ts";
import { type LocalProvider, localProvider } from "../src/provider/local.ts";
import { openaiProvider } from "../src/provider/openai.ts";
import { writeTinyGguf } from "../tests/fixtures/gguf-writer.ts";

const call = { task: "bench", item: "0", strategy: "s", sample: 0 };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const dir = mkdtempSync(join(tmpdir(), "assay-bench-"));
const modelPath =
  process.env.BENCH_MODEL ??
  writeTinyGguf({ dir, seed: 11, nEmbd: 256, nHead: 8, nKvHead: 4, nFf: 768, nLayer: 4, contextLength: 2048 }).path;
const prompts = Array.from({ length: 6 }, (_, i) => `Item ${i}: the quick brown fox jumps over the lazy dog number ${i} and then`);
const maxTokens = 64;

async function directTokensPerSecond(): Promise<number> {
  const llama = await getLlama({ gpu: false, build: "never", maxThreads: 2 });
  const model = await llama.loadModel({ modelPath });
  const context = await model.createContext({ contextSize: 1024, threads: 1, flashAttention: false });
  const sequence = context.getSequence();
  const completion = new LlamaCompletion({ contextSequence: sequence });
  let tokens = 0;
  const started = performance.now();
  for (const prompt of prompts) {
    await sequence.clearHistory();
    const before = sequence.tokenMeter.usedOutputTokens;
    await completion.generateCompletionWithMeta(prompt, { maxTokens, temperature: 0 });
    tokens += sequence.tokenMeter.usedOutputTokens - before;
  }
  const seconds = (performance.now() - started) / 1000;
  await context.dispose();
  await model.dispose();
  return tokens / seconds;
}

async function assayTokensPerSecond(concurrency = 1, parallel = false): Promise<number> {
  const provider = (await localProvider({ target: modelPath, cwd: dir, config: { context_size: 1024, concurrency } })) as LocalProvider;
  const started = performance.now();
  const run = (prompt: string) => provider.generate({ text: prompt }, { temperature: 0, maxTokens }, call);
  const results = parallel
    ? await Promise.all(prompts.map(run))
    : await (async () => {
        const out = [];
        for (const p of prompts) out.push(await run(p));
        return out;
      })();
  const seconds = (performance.now() - started) / 1000;
  await provider.close();
  return results.reduce((n, g) => n + (g.outputTokens ?? 0), 0) / seconds;
}

async function prefixCaching(): Promise<void> {
  const provider = (await localProvider({ target: modelPath, cwd: dir, config: { context_size: 2048 } })) as LocalProvider;
  const shots = Array.from({ length: 5 }, (_, i) => `Question: what is ${i} plus ${i}? Answer: ${2 * i}\n`).join("");
  const items = Array.from({ length: 20 }, (_, i) => `Question: what is ${i + 10} plus ${i}? Answer:`);
  const prefixTokens = provider.promptTokens({ text: shots }).length;
  let suffixTokens = 0;
  for (const item of items) {
    await provider.loglikelihood({ text: shots + item }, [` ${2 * i(item)}`, " 7"], call);
    suffixTokens += provider.promptTokens({ text: shots + item }).length - prefixTokens;
  }
  const stats = provider.stats();
  console.log(
    `prefix caching, 5-shot task, 20 items x 2 choices: ${stats.prefillTokens} of ${stats.promptTokens} prompt tokens evaluated ` +
      `(${(100 * (1 - stats.prefillTokens / stats.promptTokens)).toFixed(1)}% saved); shared prefix ${prefixTokens} tokens, ` +
      `once-per-task bound ${prefixTokens + suffixTokens + 40 * 3} tokens`,
  );
  await provider.close();
}
function i(item: string): number {
  return Number(/what is (\d+)/.exec(item)![1]) + Number(/plus (\d+)/.exec(item)![1]) / 2;
}

/**
 * The fake server runs in a child process, so that client and server each get a core (in one
 * process they share one thread, and the server's work caps what the client can reach). It
 * prints its URL and exits when its stdin closes.
 */
async function startServerProcess(latencyMs: number): Promise<{ url: string; close: () => Promise<void> }> {
  const fixture = pathToFileURL(join(import.meta.dirname, "..", "tests", "fixtures", "fake-openai-server.ts")).href;
  const code =
    `const { startFakeOpenAI } = await import(${JSON.stringify(fixture)}); const server = await startFakeOpenAI({ latencyMs: ${latencyMs} }); ` +
    `console.log(server.url); process.stdin.on("end", () => server.close().then(() => process.exit(0))); process.stdin.resume();`;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { stdio: ["pipe", "pipe", "inherit"] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("\n")) resolve(out.trim());
    });
    child.on("exit", (code) => reject(new Error(`fake server exited (${code})`)));
  });
  return {
    url,
    close: () =>
      new Promise((resolve) => {
        child.on("exit", () => resolve());
        child.stdin.end();
      }),
  };
}

async function remote(): Promise<void> {
  const server = await startServerProcess(100);
  process.env.OPENAI_API_KEY = "";
  const provider = new LimitedProvider(await openaiProvider({ target: "fake", cwd: dir, config: { base_url: `${server.url}/v1` } }), {
    concurrency: 50,
  });
  const n = 1000;
  // Ceiling: bare fetch at the same concurrency against the same server.
  const body = JSON.stringify({ model: "fake", messages: [{ role: "user", content: "q" }], max_tokens: 8 });
  const bareFetch = async (count: number) => {
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (next++ < count)
          await (
            await fetch(`${server.url}/v1/chat/completions`, { method: "POST", body, headers: { "content-type": "application/json" } })
          ).json();
      }),
    );
    return count / ((performance.now() - started) / 1000);
  };
  const throughAssay = async (count: number) => {
    const started = performance.now();
    await Promise.all(
      Array.from({ length: count }, (_, k) => provider.generate({ text: `q ${k}` }, { temperature: 0, maxTokens: 8 }, call)),
    );
    return count / ((performance.now() - started) / 1000);
  };
  // Warm-up (connections, JIT in both processes: the first 100 left the first timed run
  // 10-15% slow) for both clients, then alternate the two, several times.
  await bareFetch(500);
  await throughAssay(500);
  const bare: number[] = [];
  const viaAssay: number[] = [];
  for (let r = 0; r < repeats; r++) {
    bare.push(await bareFetch(n));
    viaAssay.push(await throughAssay(n));
  }
  const perSecond = median(viaAssay);
  console.log(
    `remote, fake server (own process) 100 ms latency, concurrency 50, ${n} requests x ${repeats} after 500 warm-up: ${perSecond.toFixed(0)} requests/s through assay ` +
      `(${(perSecond / 5).toFixed(1)}% of the 500/s bound; runs ${viaAssay.map((x) => x.toFixed(0)).join(", ")}); ` +
      `bare fetch ${median(bare).toFixed(0)}/s (${(median(bare) / 5).toFixed(1)}%; runs ${bare.map((x) => x.toFixed(0)).join(", ")})`,
  );
  await server.close();
}

const repeats = Number(process.env.BENCH_REPEATS ?? 3);
const only = process.env.BENCH_ONLY; // "local" or "remote": one part alone
if (only !== "remote") {
  const direct: number[] = [];
  const assay: number[] = [];
  for (let r = 0; r < repeats; r++) {
    direct.push(await directTokensPerSecond());
    assay.push(await assayTokensPerSecond());
  }
  console.log(
    `local generation (${maxTokens} tokens x ${prompts.length} prompts, greedy, 1 thread): assay ${median(assay).toFixed(0)} tokens/s, ` +
      `node-llama-cpp directly ${median(direct).toFixed(0)} tokens/s: ${((100 * median(assay)) / median(direct)).toFixed(1)}%`,
  );
  const one = await assayTokensPerSecond(1, true);
  const four = await assayTokensPerSecond(4, true);
  console.log(
    `parallel sequences: 4 sequences ${four.toFixed(0)} tokens/s vs one at a time ${one.toFixed(0)} tokens/s (${(four / one).toFixed(2)}x)`,
  );
  await prefixCaching();
}
if (only !== "local") await remote();
rmSync(dir, { recursive: true, force: true });
