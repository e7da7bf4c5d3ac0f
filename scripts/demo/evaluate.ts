// Measures the demo model on the demo suites' data through node-llama-cpp, the way assay's
// strategies render prompts, and checks the GGUF against the PyTorch reference outputs.
// Then the model as a judge: the demo-verification suite's items, and its own zero-shot and
// chain-of-thought answers to add/sub judged in the suites/demo/verify.hbs format (Cohen's kappa).
// Usage: npx tsx scripts/demo/evaluate.ts [--model models/demo.gguf] [--reference out/reference.json] [--limit N] [--sc]
//        [--tasks add,sub,...,verify,judge] [--speed models/demo.gguf,models/demo-student.gguf]
// --speed: afterwards, greedy tokens/s of those models on one chain-of-thought prompt, measured in this process.
import { readFileSync, existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { getLlama, type Llama, LlamaCompletion, type LlamaContextSequence } from "node-llama-cpp";
import { seededStream } from "./rng.ts";
import { agreementReport, judgeOwnAnswers, judgeVerdict } from "./judge-eval.ts";
import { verificationShot, type VerificationItem } from "./verification.ts";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
type Item = Record<string, unknown> & { id: string };
type Task = { name: string; file: string; rule?: string; prompt: (x: Item) => string; target: (x: Item) => string; cot: boolean };

const read = (file: string): Item[] =>
  readFileSync(join(root, "suites/demo/data", file), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Item);

const tasks: Task[] = [
  { name: "add", file: "add", prompt: (x) => `Q: What is ${x.a} + ${x.b}?\nA:`, target: (x) => String(x.answer), cot: true },
  { name: "sub", file: "sub", prompt: (x) => `Q: What is ${x.a} - ${x.b}?\nA:`, target: (x) => String(x.answer), cot: true },
  ...["reverse", "sort", "rotate", "double"].map((rule) => ({
    name: rule,
    file: "transform",
    rule,
    prompt: (x: Item) => `Transform: ${x.input} ->`,
    target: (x: Item) => String(x.output),
    cot: false,
  })),
  { name: "translate", file: "translate", prompt: (x) => `English: ${x.english}\nZorbish:`, target: (x) => String(x.zorbish), cot: false },
];

/** The text after the last "answer is", without a trailing period (as assay's extractor). */
function finalAnswer(text: string): string | null {
  const m = [...text.matchAll(/answer is[ \t]*([^\n]*)/gi)].pop();
  return m ? m[1].trim().replace(/\.$/, "").trim() : null;
}

function wilson(k: number, n: number): [number, number] {
  const z = 1.959964,
    p = k / n,
    d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d,
    h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return [c - h, c + h];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Greedy tokens/s of each model on one chain-of-thought prompt, all loaded in this process, one
 * thread each, runs interleaved (A B A B ...) so that other load on the machine hits them alike.
 * A rate is generated tokens (the answer's characters plus the stopping newline: one character
 * is one token in the demo vocabulary) over the call's wall time, prefill of the prompt included.
 */
async function speed(llama: Llama, paths: string[], repeats = 5) {
  const prompt = "Q: What is 357 + 715?\nA: Let's think step by step.";
  const runs = [];
  for (const path of paths) {
    const model = await llama.loadModel({ modelPath: resolve(path) });
    const context = await model.createContext({ contextSize: 1024, threads: 1, flashAttention: false });
    const sequence = context.getSequence();
    runs.push({
      path,
      model,
      context,
      sequence,
      completion: new LlamaCompletion({ contextSequence: sequence }),
      rates: [] as number[],
      output: "",
    });
  }
  for (let r = 0; r < repeats; r++)
    for (const run of runs) {
      await run.sequence.clearHistory();
      const t = performance.now();
      run.output = await run.completion.generateCompletion(prompt, { maxTokens: 128, temperature: 0, customStopTriggers: ["\n"] });
      run.rates.push((run.output.length + 1) / ((performance.now() - t) / 1000));
    }
  const base = median(runs[0].rates);
  for (const run of runs) {
    const layers = run.model.fileInfo.metadata.llama?.block_count;
    console.log(
      `speed ${run.path}: ${median(run.rates).toFixed(0)} tokens/s (median of ${repeats}; ${run.rates.map((x) => x.toFixed(0)).join(", ")}), ` +
        `${(median(run.rates) / base).toFixed(2)}x the first, ${layers} layers, ${(statSync(run.path).size / 1e6).toFixed(2)} MB, ` +
        `${run.output.length + 1} tokens: ${JSON.stringify(run.output)}`,
    );
    await run.context.dispose();
    await run.model.dispose();
  }
}

async function main(argv: string[]) {
  const arg = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
  const modelPath = resolve(arg("--model") ?? join(root, "models/demo.gguf"));
  const limit = Number(arg("--limit") ?? Infinity);
  const only = arg("--tasks")?.split(",");
  const llama = await getLlama({ gpu: false, build: "never", maxThreads: 2 });
  const model = await llama.loadModel({ modelPath });
  const context = await model.createContext({ contextSize: 1024, threads: 1, flashAttention: false });
  const sequence: LlamaContextSequence = context.getSequence();
  const completion = new LlamaCompletion({ contextSequence: sequence });
  let generated = 0;
  const t0 = Date.now();
  const generate = async (text: string, maxTokens: number, temperature = 0, seed?: number) => {
    await sequence.clearHistory();
    const r = await completion.generateCompletionWithMeta(text, { maxTokens, temperature, seed, customStopTriggers: ["\n"] });
    generated += sequence.contextTokens.length - model.tokenize(text).length - 1;
    return r.response;
  };

  const ref = arg("--reference");
  if (ref && existsSync(ref)) {
    let same = 0;
    const rows = JSON.parse(readFileSync(ref, "utf8")) as { prompt: string; output: string }[];
    for (const row of rows) {
      const out = await generate(row.prompt, 320);
      const ok = out === row.output;
      same += ok ? 1 : 0;
      if (!ok)
        console.log(`MISMATCH ${JSON.stringify(row.prompt)}\n  torch: ${JSON.stringify(row.output)}\n  gguf:  ${JSON.stringify(out)}`);
    }
    console.log(`reference: ${same}/${rows.length} greedy outputs identical to PyTorch`);
  }

  for (const task of tasks) {
    if (only && !only.includes(task.name)) continue;
    // String items of all rules share one file; demonstrations share the item's rule.
    const ofRule = (x: Item) => task.rule === undefined || x.rule === task.rule;
    const items = read(`${task.file}.test.jsonl`).filter(ofRule).slice(0, limit);
    const pool = read(`${task.file}.exemplars.jsonl`).filter(ofRule);
    const strategies: [string, (x: Item) => Promise<string | null>][] = [
      ["zero-shot", async (x) => (await generate(task.prompt(x), 64)).trim()],
      [
        "few-shot",
        async (x) => {
          const r = seededStream(`few-shot/${x.id}`);
          const shots = [...pool].sort(() => r() - 0.5).slice(0, 3);
          const text = shots.map((s) => `${task.prompt(s)} ${task.target(s)}\n\n`).join("") + task.prompt(x);
          return (await generate(text, 64)).trim();
        },
      ],
    ];
    if (task.cot)
      strategies.push(["chain-of-thought", async (x) => finalAnswer(await generate(`${task.prompt(x)} Let's think step by step.`, 128))]);
    if (task.cot && argv.includes("--sc"))
      strategies.push([
        "self-consistency",
        async (x) => {
          const votes = new Map<string, number>();
          for (let s = 0; s < 5; s++) {
            const a = finalAnswer(await generate(`${task.prompt(x)} Let's think step by step.`, 128, 0.7, 1000 + s));
            if (a !== null) votes.set(a, (votes.get(a) ?? 0) + 1);
          }
          return [...votes.entries()].sort((p, q) => q[1] - p[1])[0]?.[0] ?? null;
        },
      ]);
    for (const [name, run] of strategies) {
      let correct = 0;
      const examples: string[] = [];
      for (const x of items) {
        const out = await run(x);
        if (out === task.target(x)) correct++;
        else if (examples.length < 2) examples.push(`${JSON.stringify(out)} != ${task.target(x)}`);
      }
      const [lo, hi] = wilson(correct, items.length);
      console.log(
        `${task.name.padEnd(10)} ${name.padEnd(17)} ${(correct / items.length).toFixed(3)} [${lo.toFixed(3)}, ${hi.toFixed(3)}] n=${items.length}  e.g. ${examples.join("; ")}`,
      );
    }
  }
  if (!only || only.includes("verify")) {
    const items = read("verify.test.jsonl").slice(0, limit) as unknown as VerificationItem[];
    let correct = 0;
    let unscored = 0;
    for (const item of items) {
      const verdict = judgeVerdict(await generate(verificationShot(item).prompt, 320));
      if (verdict === null) unscored++;
      if (verdict === item.verdict) correct++;
    }
    const [lo, hi] = wilson(correct, items.length);
    const share = items.filter((x) => x.verdict === "incorrect").length / items.length;
    console.log(
      `${"verify".padEnd(10)} ${"judge format".padEnd(17)} ${(correct / items.length).toFixed(3)} [${lo.toFixed(3)}, ${hi.toFixed(3)}] n=${items.length}  ${(100 * share).toFixed(0)}% "incorrect", ${unscored} unscored`,
    );
  }
  if (!only || only.includes("judge")) {
    const generateLine = (text: string, maxTokens: number) => generate(text, maxTokens);
    const arithmetic = (file: string) =>
      read(file)
        .slice(0, limit)
        .map((x) => ({ id: x.id, a: Number(x.a), b: Number(x.b), answer: String(x.answer) }));
    const judgments = [
      ...(await judgeOwnAnswers(generateLine, "add", "+", arithmetic("add.test.jsonl"))),
      ...(await judgeOwnAnswers(generateLine, "sub", "-", arithmetic("sub.test.jsonl"))),
    ];
    console.log(agreementReport(judgments));
  }
  const secs = (Date.now() - t0) / 1000;
  console.log(`${generated} tokens generated in ${secs.toFixed(1)} s (${(generated / secs).toFixed(0)} tokens/s incl. prompts)`);
  await context.dispose();
  await model.dispose();
  const speedPaths = arg("--speed")?.split(",");
  if (speedPaths) await speed(llama, speedPaths);
}

await main(process.argv.slice(2));
