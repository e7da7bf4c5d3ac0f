// The review form under load: a 100,000-item queue, 20 raters at once over real HTTP on
// 127.0.0.1, each fetching the next item and submitting it. The server runs in its own process
// (`review.ts serve DB`, with gc exposed as the CLI does), so its latency, CPU and RSS are its own. Two loads: raters who pause
// between requests (BENCH_REVIEW_THINK_MS, default 200 ms: still 25 times faster than a person)
// and raters who never pause (saturation: latency is then mostly queueing behind the other 19).
// Prints p50/p95/p99 per request kind, the server's CPU per request and its RSS; medians over repeats.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runEval } from "../src/run/run-eval.ts";
import { serveReview } from "../src/review/serve.ts";
import { createQueue } from "../src/score/human/queue.ts";
import { addRater } from "../src/score/human/raters.ts";
import { openStore } from "../src/store/db.ts";
import { defineTask } from "../src/suite/define-task.ts";

if (process.argv[2] === "serve") {
  await serveReview({
    db: process.argv[3],
    host: "127.0.0.1",
    port: 0,
    queues: [],
    out: (l) => console.log(l),
    warn: (l) => console.error(l),
  });
} else {
  await bench();
}

async function bench() {
  const items = Number(process.env.BENCH_REVIEW_ITEMS ?? 100_000);
  const raters = Number(process.env.BENCH_REVIEW_RATERS ?? 20);
  const rounds = Number(process.env.BENCH_REVIEW_ROUNDS ?? 60); // next + submit per rater per repeat
  const repeats = Number(process.env.BENCH_REPEATS ?? 3);
  const think = Number(process.env.BENCH_REVIEW_THINK_MS ?? 200);
  const dir = mkdtempSync(join(tmpdir(), "assay-bench-review-"));
  const db = join(dir, "review.db");
  try {
    let t = performance.now();
    const task = defineTask({
      suite: "bench",
      id: "review",
      items: Array.from({ length: items }, (_, i) => ({
        id: `q${i}`,
        question: `Question ${i}: what is ${i} + ${i + 1}?`,
        answer: String(2 * i + 1),
      })),
      prompt: "{{question}}",
      target: "{{answer}}",
      scorers: ["exact-match"],
    });
    const run = await runEval({ db, tasks: [task], models: ["echo"], cwd: dir });
    const store = openStore(db);
    const runSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    createQueue(store, { name: "bench", run: run.runId, ratersPerItem: 3 });
    const queueSeconds = (performance.now() - t) / 1000;
    const tokens = Array.from({ length: raters }, (_, r) => addRater(store, `r${r}`).token);
    store.close();
    console.log(
      `review form: ${items.toLocaleString("en")}-item queue (run ${runSeconds.toFixed(1)} s, queue ${queueSeconds.toFixed(1)} s), K=3, ${raters} raters, ` +
        `${rounds} next+submit each per repeat, ${repeats} repeats, server in its own process`,
    );
    for (const pause of [think, 0]) {
      console.log(pause ? `raters pausing ${pause} ms on average between requests:` : "raters never pausing (saturation):");
      const figures: Figures[] = [];
      for (let r = 0; r < repeats; r++) figures.push(await repeat(db, tokens, rounds, pause));
      report(figures);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Figures {
  next: number[];
  submit: number[];
  rss: number[];
  throughput: number;
  cpuMsPerRequest: number;
}

/** The median (upper middle) of a few repeats. */
function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

function report(figures: Figures[]) {
  for (const kind of ["next", "submit"] as const) {
    const per = figures.map((f) => [quantile(f[kind], 0.5), quantile(f[kind], 0.95), quantile(f[kind], 0.99)]);
    console.log(
      `  ${kind === "next" ? "GET next item" : "POST submit  "}  p50 ${median(per.map((p) => p[0])).toFixed(1)} ms  p95 ${median(per.map((p) => p[1])).toFixed(1)} ms  ` +
        `p99 ${median(per.map((p) => p[2])).toFixed(1)} ms  (p95 per repeat: ${per.map((p) => p[1].toFixed(1)).join(", ")})`,
    );
  }
  console.log(
    `  throughput ${median(figures.map((f) => f.throughput)).toFixed(0)} ratings/s, server CPU ${median(figures.map((f) => f.cpuMsPerRequest)).toFixed(2)} ms per request (medians)`,
  );
  // RSS at each quarter of the run: flat means the server holds nothing per rating.
  for (const [i, f] of figures.entries()) {
    const at = [0, 0.25, 0.5, 0.75, 1].map((q) => f.rss[Math.round(q * (f.rss.length - 1))].toFixed(0));
    console.log(`  server RSS, repeat ${i + 1}, by quarter of the run: ${at.join(" → ")} MB (max ${Math.max(...f.rss).toFixed(0)} MB)`);
  }
}

async function repeat(db: string, tokens: string[], rounds: number, pause: number): Promise<Figures> {
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_REVIEW_NODE_ARGS ?? "").split(" ").filter(Boolean),
      "--expose-gc",
      "--import",
      "tsx",
      import.meta.filename,
      "serve",
      db,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const url = await new Promise<string>((resolve) => {
    let out = "";
    child.stdout!.on("data", (d) => {
      out += d;
      const m = out.match(/ at (http:\/\/\S+\/)\n/);
      if (m) resolve(m[1]);
    });
  });
  const cpuMs = () => {
    const fields = readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1].split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime in clock ticks (USER_HZ = 100)
  };
  const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))![1]) / 1024;
  const rss = [rssMb()];
  const sampler = setInterval(() => rss.push(rssMb()), 250);
  const next: number[] = [];
  const submit: number[] = [];
  const sleep = () => (pause ? new Promise((resolve) => setTimeout(resolve, pause * (0.5 + Math.random()))) : undefined);
  const cpuStart = cpuMs();
  const start = performance.now();
  await Promise.all(
    tokens.map(async (token) => {
      const login = await fetch(`${url}login?token=${token}`, { redirect: "manual" });
      const cookie = login.headers.get("set-cookie")!.split(";")[0];
      for (let i = 0; i < rounds; i++) {
        await sleep();
        let t = performance.now();
        const page = await (await fetch(`${url}q/bench`, { headers: { cookie } })).text();
        next.push(performance.now() - t);
        const item = page.match(/name="item" value="(\d+)"/)![1];
        const csrf = page.match(/name="csrf" value="([^"]+)"/)![1];
        await sleep();
        t = performance.now();
        const res = await fetch(`${url}q/bench/rate`, {
          method: "POST",
          headers: { cookie },
          body: new URLSearchParams({ csrf, item, score: String(1 + (i % 5)) }),
          redirect: "manual",
        });
        await res.arrayBuffer();
        submit.push(performance.now() - t);
        if (res.status !== 303) throw new Error(`submit answered ${res.status}`);
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  const cpuMsPerRequest = (cpuMs() - cpuStart) / (next.length + submit.length);
  clearInterval(sampler);
  rss.push(rssMb());
  child.kill("SIGTERM");
  await new Promise((resolve) => child.once("exit", resolve));
  return { next, submit, rss, throughput: submit.length / seconds, cpuMsPerRequest };
}

/** The q-quantile of the sample (nearest rank). */
function quantile(xs: number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}
