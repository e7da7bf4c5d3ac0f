// Metric throughput: assay's corpus BLEU, corpus chrF and ROUGE-L over 10,000 seeded
// hypothesis/reference pairs, timed against sacrebleu and rouge-score on the same pairs in
// the same run, with the scores checked for equality (BLEU/chrF to 1e-7 on 0-100, ROUGE-L
// P/R/F of every pair to 1e-9). Rerun (reference checkouts as in tests/fixtures/conformance/README.md):
//
//   SACREBLEU_PATH=/tmp/ref/sacrebleu ROUGE_PATH=/tmp/ref/rouge npx tsx bench/metrics.ts
//
// SACREBLEU_PATH is a sacrebleu 2.6.0 checkout (the folder holding the `sacrebleu` package, with
// its generated version.py); ROUGE_PATH the folder holding rouge-score 0.1.2's `rouge_score`
// package. Both run under Debian's /usr/bin/python3 (PYTHON overrides). Without them only
// assay's timings are printed. BENCH_PAIRS (10000) and BENCH_REPEATS (5) change the sizes.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { corpusBleu } from "../src/score/metrics/bleu.ts";
import { corpusChrf } from "../src/score/metrics/chrf.ts";
import { rougeSingle } from "../src/score/metrics/rouge.ts";
import { seededRandom, type Random } from "../src/stats/random.ts";

const PAIRS = Number(process.env.BENCH_PAIRS ?? 10_000);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
const PYTHON = process.env.PYTHON ?? "/usr/bin/python3";

// --- seeded corpus ------------------------------------------------------------------

const WORDS = (
  "the of and to in a is that for it as was with be by on not he this are or his from at which but have an they you were " +
  "her she there been one all we their has would when if so no will more can out other into some could them time these " +
  "two may then do first any my now such like our over man me even most made after also did many before must through back " +
  "years where much your way well down should because each just those people how too little state good very make world " +
  "still own see men work long get here between both life being under never day same another know while last might us " +
  "great old year off come since against go came right used take three model evaluation score translation reference " +
  "hypothesis corpus sentence metric system output data result paper table method approach baseline training test"
).split(" ");
const CAPITALISED = ["The", "It", "In", "We", "This", "However", "London", "Paris", "Google", "January", "Monday", "Dr.", "U.S."];
const UNICODE = [
  "café",
  "naïve",
  "Zürich",
  "São",
  "Paulo",
  "Ελλάδα",
  "Москва",
  "東京",
  "日本語",
  "北京大学",
  "😀",
  "🚀",
  "—",
  "“quoted”",
  "façade",
  "Ørsted",
  "İstanbul",
  "ß",
];
const NUMBERS = ["1,000.5", "3.14", "42", "2-3", "1999", "10%", "$5", "0.5", "12,345", "7th"];
const PUNCT_AFTER = [",", ",", ",", ";", ":", "'s", ")", '"', "!", "?"];

function word(rng: Random): string {
  const r = rng.next();
  if (r < 0.04) return UNICODE[rng.int(UNICODE.length)];
  if (r < 0.07) return NUMBERS[rng.int(NUMBERS.length)];
  if (r < 0.12) return CAPITALISED[rng.int(CAPITALISED.length)];
  return WORDS[rng.int(WORDS.length)];
}

/** A hypothesis or reference derived from a shared source: words kept, substituted, dropped, inserted, punctuation added. */
function variant(source: string[], rng: Random): string {
  const out: string[] = [];
  for (const w of source) {
    const r = rng.next();
    if (r < 0.1) continue; // dropped
    let tok = r < 0.25 ? word(rng) : w; // substituted
    if (rng.next() < 0.06) tok += PUNCT_AFTER[rng.int(PUNCT_AFTER.length)];
    if (rng.next() < 0.01) tok = `(${tok}`;
    out.push(tok);
    if (rng.next() < 0.05) out.push(word(rng)); // inserted
  }
  if (out.length === 0) out.push(source[0]);
  if (rng.next() < 0.02) out.push("&amp;", word(rng));
  return out.join(" ") + (rng.next() < 0.85 ? "." : rng.next() < 0.5 ? "?" : "");
}

/** `n` hypothesis/reference pairs, 5-40 source words each, deterministic for the seed. */
export function benchCorpus(n: number, seed = "bench/metrics"): { hyps: string[]; refs: string[] } {
  const rng = seededRandom(seed);
  const hyps: string[] = [];
  const refs: string[] = [];
  for (let i = 0; i < n; i++) {
    const len = 5 + rng.int(36);
    const source = Array.from({ length: len }, () => word(rng));
    source[0] = source[0][0].toUpperCase() + source[0].slice(1);
    hyps.push(variant(source, rng));
    refs.push(variant(source, rng));
  }
  return { hyps, refs };
}

// --- timing -------------------------------------------------------------------------

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Runs `fn` once to warm up, then `REPEATS` timed runs; returns the last result and the timings (ms). */
function timeIt<T>(fn: () => T): { result: T; ms: number[] } {
  let result = fn();
  const ms: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    result = fn();
    ms.push(performance.now() - t0);
  }
  return { result, ms };
}

const PY_BENCH = `
import json, sys, time
data = json.load(open(sys.argv[1], encoding="utf-8"))
metric, repeats = sys.argv[2], int(sys.argv[3])
hyps, refs = data["hyps"], data["refs"]
if metric == "rougeL":
    from rouge_score import rouge_scorer
    def run():
        scorer = rouge_scorer.RougeScorer(["rougeL"])
        out = []
        for h, r in zip(hyps, refs):
            s = scorer.score(r, h)["rougeL"]
            out.append([s.precision, s.recall, s.fmeasure])
        return out
else:
    import sacrebleu
    def run():
        if metric == "bleu":
            s = sacrebleu.corpus_bleu(hyps, [refs])
            return {"score": s.score, "counts": list(s.counts), "totals": list(s.totals), "sys_len": s.sys_len, "ref_len": s.ref_len}
        return {"score": sacrebleu.corpus_chrf(hyps, [refs]).score}
result = run()  # warm-up, as for assay
ms = []
for _ in range(repeats):
    t0 = time.perf_counter()
    result = run()
    ms.append((time.perf_counter() - t0) * 1000)
print(json.dumps({"ms": ms, "result": result}))
`;

interface PyRun<T> {
  ms: number[];
  result: T;
}

function runPython<T>(dir: string, metric: string, pythonPath: string): PyRun<T> {
  const out = execFileSync(PYTHON, [join(dir, "bench.py"), join(dir, "pairs.json"), metric, String(REPEATS)], {
    encoding: "utf8",
    env: { ...process.env, PYTHONPATH: pythonPath },
    maxBuffer: 256 * 1024 * 1024,
  });
  return JSON.parse(out.trim().split("\n").pop()!) as PyRun<T>;
}

function line(name: string, ours: number[], theirs?: number[], refName?: string, check?: string): void {
  const a = median(ours);
  let text = `${name.padEnd(8)} assay ${a.toFixed(0).padStart(6)} ms (runs: ${ours.map((x) => x.toFixed(0)).join(", ")})`;
  if (theirs && refName) {
    const b = median(theirs);
    text += `   ${refName} ${b.toFixed(0).padStart(6)} ms (runs: ${theirs.map((x) => x.toFixed(0)).join(", ")})   ${(b / a).toFixed(1)}x faster   ${check}`;
  }
  console.log(text);
}

function main(): void {
  const { hyps, refs } = benchCorpus(PAIRS);
  const words = hyps.reduce((s, h) => s + h.split(" ").length, 0) / hyps.length;
  console.log(`metrics: ${PAIRS} hypothesis/reference pairs (seeded, mean ${words.toFixed(1)} words), warm-up + ${REPEATS} runs, medians`);

  const sacrebleuPath = process.env.SACREBLEU_PATH;
  const rougePath = process.env.ROUGE_PATH;
  const haveSacrebleu = !!sacrebleuPath && existsSync(join(sacrebleuPath, "sacrebleu", "__init__.py")) && existsSync(PYTHON);
  const haveRouge = !!rougePath && existsSync(join(rougePath, "rouge_score", "rouge_scorer.py")) && existsSync(PYTHON);
  let dir: string | undefined;
  let stubs = "";
  if (haveSacrebleu || haveRouge) {
    dir = mkdtempSync(join(tmpdir(), "assay-bench-metrics-"));
    writeFileSync(join(dir, "pairs.json"), JSON.stringify({ hyps, refs }));
    writeFileSync(join(dir, "bench.py"), PY_BENCH);
    // sacrebleu imports portalocker and tabulate only for dataset download and table printing;
    // these stubs go last on the path, so installed packages win.
    stubs = join(dir, "stubs");
    execFileSync("mkdir", ["-p", stubs]);
    writeFileSync(join(stubs, "portalocker.py"), "");
    writeFileSync(join(stubs, "tabulate.py"), "def tabulate(*a, **k):\n    raise NotImplementedError\n");
  }
  try {
    const bleu = timeIt(() => corpusBleu(hyps, [refs]));
    if (haveSacrebleu) {
      const py = runPython<{ score: number; counts: number[]; totals: number[]; sys_len: number; ref_len: number }>(
        dir!,
        "bleu",
        `${sacrebleuPath}:${stubs}`,
      );
      const diff = Math.abs(py.result.score - bleu.result.score);
      const same =
        diff <= 1e-7 &&
        JSON.stringify(py.result.counts) === JSON.stringify(bleu.result.counts) &&
        JSON.stringify(py.result.totals) === JSON.stringify(bleu.result.totals) &&
        py.result.sys_len === bleu.result.sysLen &&
        py.result.ref_len === bleu.result.refLen;
      line(
        "BLEU",
        bleu.ms,
        py.ms,
        "sacrebleu",
        `${same ? "identical" : "MISMATCH"}: ${bleu.result.score.toFixed(9)} vs ${py.result.score.toFixed(9)} (|diff| ${diff.toExponential(1)})`,
      );
      if (!same) process.exitCode = 1;
    } else line("BLEU", bleu.ms);

    const chrf = timeIt(() => corpusChrf(hyps, [refs]));
    if (haveSacrebleu) {
      const py = runPython<{ score: number }>(dir!, "chrf", `${sacrebleuPath}:${stubs}`);
      const diff = Math.abs(py.result.score - chrf.result);
      line(
        "chrF",
        chrf.ms,
        py.ms,
        "sacrebleu",
        `${diff <= 1e-7 ? "identical" : "MISMATCH"}: ${chrf.result.toFixed(9)} vs ${py.result.score.toFixed(9)} (|diff| ${diff.toExponential(1)})`,
      );
      if (diff > 1e-7) process.exitCode = 1;
    } else line("chrF", chrf.ms);

    const rougeL = timeIt(() => hyps.map((h, i) => rougeSingle(refs[i], h, { types: ["rougeL"] }).rougeL));
    if (haveRouge) {
      const py = runPython<number[][]>(dir!, "rougeL", `${rougePath}`);
      let maxDiff = 0;
      let meanF = 0;
      rougeL.result.forEach((s, i) => {
        const [p, r, f] = py.result[i];
        maxDiff = Math.max(maxDiff, Math.abs(s.precision - p), Math.abs(s.recall - r), Math.abs(s.fmeasure - f));
        meanF += s.fmeasure / rougeL.result.length;
      });
      const same = py.result.length === rougeL.result.length && maxDiff <= 1e-9;
      line(
        "ROUGE-L",
        rougeL.ms,
        py.ms,
        "rouge-score",
        `${same ? "identical" : "MISMATCH"}: mean F ${meanF.toFixed(9)}, max |diff| over P/R/F of ${py.result.length} pairs ${maxDiff.toExponential(1)}`,
      );
      if (!same) process.exitCode = 1;
    } else line("ROUGE-L", rougeL.ms);

    if (!haveSacrebleu || !haveRouge) {
      const missing = [!haveSacrebleu && "sacrebleu (SACREBLEU_PATH)", !haveRouge && "rouge-score (ROUGE_PATH)"].filter(Boolean).join(", ");
      console.log(
        `reference implementations not found: ${missing}; timings above are assay's only (see the command at the top of bench/metrics.ts)`,
      );
    }
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

// Run when executed, not when imported (profiling scripts reuse `benchCorpus`).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
