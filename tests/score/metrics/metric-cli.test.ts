// `assay metric`: the library function against the sacrebleu command line and rouge-score /
// SQuAD averages on the same files, and the commander wiring with its user errors.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { registerMetricCommand } from "../../../src/cli/metric.ts";
import { UserError } from "../../../src/errors.ts";
import { metricCommand, type MetricOptions } from "../../../src/score/metrics/corpus-report.ts";

const dir = fileURLToPath(new URL("../../fixtures/conformance/cli/", import.meta.url));
const fixture = (await import("../../fixtures/conformance/cli.json", { with: { type: "json" } })).default as {
  sacrebleu: { args: string[]; text: string; json: { score: number; signature: string } }[];
  rouge_two_refs: Record<string, Record<string, Record<string, number>>>;
  squad_two_refs: { exact_match: number; f1: number };
};
const hyp = join(dir, "hyp.txt");
const ref1 = join(dir, "ref1.txt");
const ref2 = join(dir, "ref2.txt");

/** Our options for each sacrebleu run in the fixture, in order. */
const OURS: Omit<MetricOptions, "hyp">[] = [
  { metric: "bleu", refs: [ref1] },
  { metric: "bleu", refs: [ref1, ref2] },
  { metric: "bleu", refs: [ref1], tokenize: "intl", smooth: "floor", lowercase: true },
  { metric: "bleu", refs: [ref1], tokenize: "char", smooth: "add-k", smoothValue: 2, width: 1 },
  { metric: "chrf", refs: [ref1] },
  { metric: "chrf", refs: [ref1, ref2], wordOrder: 2 },
  { metric: "chrf", refs: [ref1], whitespace: true, lowercase: true, charOrder: 4 },
];

describe("metricCommand matches the sacrebleu command line", () => {
  fixture.sacrebleu.forEach((run, k) => {
    it(run.args.join(" "), async () => {
      const report = await metricCommand({ hyp, ...OURS[k] });
      expect(report.text).toBe(run.text);
      expect(report.signature).toBe(run.json.signature);
      const width = OURS[k].width ?? 2;
      expect(Number(report.score!.toFixed(width))).toBeCloseTo(run.json.score, width);
    });
  });
});

describe("metricCommand: rouge and SQuAD averages", () => {
  for (const stem of [false, true]) {
    it(`rouge with two references, stem=${stem}`, async () => {
      const report = await metricCommand({ metric: "rouge", hyp, refs: [ref1, ref2], stem: stem || undefined });
      const expected = fixture.rouge_two_refs[stem ? "stem" : "plain"];
      for (const type of ["rouge1", "rouge2", "rougeL", "rougeLsum"]) {
        for (const k of ["precision", "recall", "fmeasure"] as const) {
          expect(Math.abs(report.rouge![type][k] - expected[type][k])).toBeLessThan(1e-12);
        }
      }
      expect(report.json.metric).toBe("rouge");
      expect(report.json.rouge1).toEqual(report.rouge!.rouge1);
    });
  }
  it("exact-match and f1 on the SQuAD script's 0-100 scale", async () => {
    const em = await metricCommand({ metric: "exact-match", hyp, refs: [ref1, ref2] });
    const f1 = await metricCommand({ metric: "f1", hyp, refs: [ref1, ref2], segments: true });
    expect(Math.abs(em.score! - fixture.squad_two_refs.exact_match)).toBeLessThan(1e-9);
    expect(Math.abs(f1.score! - fixture.squad_two_refs.f1)).toBeLessThan(1e-9);
    expect((f1.json.segments as number[]).length).toBe(170);
  });
  it("edit-distance reports the mean similarity 0-1", async () => {
    const r = await metricCommand({ metric: "edit-distance", hyp, refs: [hyp] });
    expect(r.score).toBe(1);
  });
});

describe("user errors", () => {
  const tmp = mkdtempSync(join(tmpdir(), "assay-metric-"));
  const three = join(tmp, "three.txt");
  const two = join(tmp, "two.txt");
  writeFileSync(three, "a\nb\nc\n");
  writeFileSync(two, "a\nb");
  it("different line counts name both files and counts", async () => {
    const error = await metricCommand({ metric: "bleu", hyp: three, refs: [two] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe(`line counts differ: ${three} has 3 lines, ${two} has 2 lines`);
  });
  it("a missing file", async () => {
    await expect(metricCommand({ metric: "bleu", hyp: join(tmp, "nope.txt"), refs: [two] })).rejects.toThrow(/nope\.txt: file not found/);
  });
  it("unknown option values and options of other metrics", async () => {
    await expect(metricCommand({ metric: "bleu", hyp: two, refs: [two], tokenize: "13b" })).rejects.toThrow(/--tokenize: unknown value "13b"/);
    await expect(metricCommand({ metric: "bleu", hyp: two, refs: [two], stem: true })).rejects.toThrow(/--stem does not apply to bleu/);
    await expect(metricCommand({ metric: "blue", hyp: two, refs: [two] })).rejects.toThrow(/did you mean "bleu"/);
    await expect(metricCommand({ metric: "bleu", hyp: two, refs: [two] })).resolves.toBeTruthy();
  });
});

describe("assay metric command", () => {
  const run = async (...argv: string[]) => {
    const out: string[] = [];
    const program = new Command().exitOverride();
    registerMetricCommand(program, (t) => out.push(t));
    await program.parseAsync(["metric", ...argv], { from: "user" });
    return out.join("\n");
  };
  it("prints the sacrebleu line and JSON", async () => {
    expect(await run("bleu", "--hyp", hyp, "--ref", ref1, "--ref", ref2)).toBe(fixture.sacrebleu[1].text);
    const json = JSON.parse(await run("chrf", "--hyp", hyp, "--ref", ref1, "--ref", ref2, "--word-order", "2", "--json"));
    expect(Object.keys(json)).toEqual(expect.arrayContaining(["metric", "score", "signature"]));
    expect(json.signature).toBe(fixture.sacrebleu[5].json.signature);
    const rouge = JSON.parse(await run("rouge", "--hyp", hyp, "--ref", ref1, "--stem", "--json", "--segments"));
    expect(Object.keys(rouge.rougeL)).toEqual(["precision", "recall", "fmeasure"]);
    expect(rouge.segments).toHaveLength(170);
  });
  it("turns a bad number into a user error", async () => {
    await expect(run("chrf", "--hyp", hyp, "--ref", ref1, "--word-order", "two")).rejects.toBeInstanceOf(UserError);
  });
});
