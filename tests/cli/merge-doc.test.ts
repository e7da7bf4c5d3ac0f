// docs/ci.md's shard and merge commands, run as written through the real CLI: the one-machine
// block, the GitHub workflow's `assay` lines (matrix 1..3, artifacts copied as the workflow
// lays them out), the Kubernetes Job's container command (JOB_COMPLETION_INDEX 0..2) and its
// merge line. `vllm` is configured as the echo model; the merged run's `assay show --json`
// equals that of the same run done in one go.
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { assay, assayEntry } from "../helpers/cli.ts";
import { jsonl, workspace } from "../helpers/workspace.ts";

const doc = readFileSync(join(import.meta.dirname, "..", "..", "docs", "ci.md"), "utf8");

/** The fenced block of `lang` that follows `heading` in the doc. */
function blockAfter(heading: string, lang: string): string {
  const at = doc.indexOf(heading);
  expect(at, heading).toBeGreaterThanOrEqual(0);
  const m = new RegExp("```" + lang + "\\n([\\s\\S]*?)```").exec(doc.slice(at));
  expect(m, `${lang} block after ${heading}`).not.toBeNull();
  return m![1];
}

const sentences = ["the cat sat on the mat", "a dog ran in the park", "green ideas sleep", "time flies like an arrow", "all that glitters"];

/** A project: one suite (a pass/fail metric and a corpus metric), and `vllm` as the echo model. */
function project(): string {
  return workspace({
    "suites/copy.yaml": [
      "suite: ci",
      "version: 1",
      "tasks:",
      "  - id: copy",
      "    dataset: data/copy.jsonl",
      '    prompt: "{{text}}"',
      '    target: "{{ref}}"',
      "    scorers: [exact-match, bleu]",
      "",
    ].join("\n"),
    "suites/data/copy.jsonl": jsonl(
      Array.from({ length: 30 }, (_, i) => {
        const text = `${sentences[i % 5]} ${i}`;
        return { id: `c${i}`, text, ref: i % 3 ? text : `${sentences[(i + 1) % 5]} ${i}` };
      }),
    ),
    "assay.config.yaml": "models:\n  vllm: { provider: echo }\n",
  });
}

/** A folder with an `npx` that runs `npx assay ...` as the CLI from the sources. */
function npxBin(): string {
  const bin = workspace();
  const entry = [process.execPath, ...assayEntry].map((a) => `'${a}'`).join(" ");
  writeFileSync(join(bin, "npx"), `#!/bin/sh\n[ "$1" = assay ] || exit 127\nshift\nexec ${entry} "$@"\n`);
  chmodSync(join(bin, "npx"), 0o755);
  return bin;
}
const bin = npxBin();

function sh(cwd: string, script: string, env: Record<string, string> = {}) {
  const r = spawnSync("sh", ["-ec", script], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, ...env, NO_COLOR: "1", PATH: `${bin}:${process.env.PATH}` },
  });
  expect(r.status, `${script}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

/** `assay show --json` of the newest run, without what names the store. */
function shown(cwd: string, db: string) {
  const r = assay(cwd, "show", "--db", db, "--json");
  expect(r.code, r.stderr).toBe(0);
  const { results } = JSON.parse(r.stdout);
  return results;
}

describe("docs/ci.md, run as written", () => {
  const whole = project();
  sh(whole, "npx assay run --db whole.db --model vllm");
  const expected = shown(whole, "whole.db");

  it("the one-machine block: three shards, a merge equal to the whole run, a second merge that writes nothing", () => {
    const dir = project();
    mkdirSync(join(dir, "shards"));
    const out = sh(dir, blockAfter("### Try it on one machine", "sh"));
    expect(out).toContain("run 1, shard 3/3");
    expect(out).toMatch(/merged 3 shards \(30 trials\) into run 1/);
    expect(out).toMatch(/already merged: run 1 .* nothing written/);
    expect(shown(dir, "all.db")).toEqual(expected);
    expect(expected.map((r: { metric: string; n: number }) => [r.metric, r.n])).toEqual([
      ["exact-match", 30],
      ["bleu", 30],
    ]);
  });

  it("the GitHub workflow's assay lines: a shard per matrix entry, the merge of their artifacts", () => {
    const start = doc.indexOf("# .github/workflows/eval.yml");
    expect(start).toBeGreaterThanOrEqual(0);
    const yaml = doc.slice(start, doc.indexOf("```", start));
    const runs = [...yaml.matchAll(/- run: (npx assay .*)$/gm)].map((m) => m[1]);
    expect(runs.map((r) => r.split(" ")[2])).toEqual(["run", "merge", "report", "gate"]);
    const merger = project();
    for (const shard of [1, 2, 3]) {
      const machine = project();
      sh(machine, runs[0].replaceAll("${{ matrix.shard }}", String(shard)));
      // upload-artifact of .assay/assay.db, download-artifact with pattern shard-* into shards/
      mkdirSync(join(merger, "shards", `shard-${shard}`), { recursive: true });
      copyFileSync(join(machine, ".assay", "assay.db"), join(merger, "shards", `shard-${shard}`, "assay.db"));
    }
    expect(sh(merger, runs[1])).toMatch(/merged 3 shards \(30 trials\) into run 1/);
    expect(shown(merger, ".assay/assay.db")).toEqual(expected);
    // The baseline, exported as the doc says from a run you trust (here the one-machine run), committed.
    const exportLine = /`(npx assay baseline export RUN --out baselines\/main\.json)`/.exec(doc)![1];
    mkdirSync(join(merger, "baselines"));
    sh(whole, `${exportLine.replace("RUN", "1")} --db whole.db`.replace("baselines/", `${merger}/baselines/`));
    // The report and the gate lines as written; the gate appends its table to $GITHUB_STEP_SUMMARY.
    sh(merger, runs[2]);
    expect(readFileSync(join(merger, "reports", "assay-report.html"), "utf8")).toMatch(/^<!doctype html>/i);
    const summary = join(merger, "step-summary.md");
    writeFileSync(summary, "# earlier step\n");
    sh(merger, runs[3], { GITHUB_STEP_SUMMARY: summary });
    expect(readFileSync(join(merger, "reports", "gate.xml"), "utf8")).toContain("<testsuites");
    expect(readFileSync(summary, "utf8")).toMatch(/^# earlier step\n[\s\S]*exact-match/);
  });

  it("the Kubernetes Job's container command for indexes 0..2, then its merge line", () => {
    const dir = project();
    const outDir = join(dir, "out");
    mkdirSync(outDir);
    const job = /command: \["sh", "-c", "(npx assay run [^"]*)"\]/.exec(doc);
    expect(job).not.toBeNull();
    const command = job![1].replaceAll("/out/", `${outDir}/`);
    for (const index of [0, 1, 2]) sh(dir, command, { JOB_COMPLETION_INDEX: String(index) });
    const merge = blockAfter("When the Job completes", "sh").trim().replaceAll("/out/", `${outDir}/`);
    expect(sh(dir, merge)).toMatch(/merged 3 shards \(30 trials\) into run 1/);
    expect(shown(dir, join(outDir, "all.db"))).toEqual(expected);
  });

  it("refuses, with exit 2 and nothing written, shards of two different runs and a bad --shard", () => {
    const dir = project();
    sh(dir, "npx assay run --shard 1/2 --db a.db --model vllm && npx assay run --shard 2/2 --seed 5 --db b.db --model vllm");
    const r = assay(dir, "merge", "--out", "all.db", "a.db", "b.db");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /not the shards of one run:\n.*b\.db \(run 1, shard 2\/2\) differs from a\.db \(run 1, shard 1\/2\) in seed: 5 here, 0 there/,
    );
    expect(r.stderr).not.toContain("    at "); // no stack trace
    cpSync(join(dir, "a.db"), join(dir, "copy.db"));
    expect(assay(dir, "merge", "--out", "all.db", "a.db", "copy.db").stderr).toContain("shard 1/2 is given 2 times");
    expect(spawnSync("test", ["-e", join(dir, "all.db")]).status).toBe(1);
    const bad = assay(dir, "run", "--shard", "0/3", "--db", "x.db", "--model", "vllm");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--shard must be I/N");
  });
});
