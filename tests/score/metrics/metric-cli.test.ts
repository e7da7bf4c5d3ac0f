// `assay metric`: the library function against the sacrebleu command line and rouge-score /
// SQuAD averages on the same files, and the commander wiring with its user errors.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { registerMetricCommand } from "../../../src/cli/metric.ts";
import { UserError } from "../../../src/errors.ts";
import { bleuScorer } from "../../../src/score/metrics/bleu.ts";
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
    await expect(metricCommand({ metric: "bleu", hyp: join(tmp, "nope.txt"), refs: [two] })).rejects.toThrow(
      /nope\.txt: hypothesis file not found/,
    );
  });
  it("unknown option values and options of other metrics", async () => {
    await expect(metricCommand({ metric: "bleu", hyp: two, refs: [two], tokenize: "13b" })).rejects.toThrow(
      /--tokenize: unknown value "13b"/,
    );
    await expect(metricCommand({ metric: "bleu", hyp: two, refs: [two], stem: true })).rejects.toThrow(/--stem does not apply to bleu/);
    await expect(metricCommand({ metric: "blue", hyp: two, refs: [two] })).rejects.toThrow(/did you mean "bleu"/);
    // The same options without the mistakes score: two identical one-word segments have no 2-grams, so BLEU is 0.
    const ok = await metricCommand({ metric: "bleu", hyp: two, refs: [two] });
    expect(ok.text).toBe(
      "BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0 = 0.00 100.0/0.0/0.0/0.0 (BP = 1.000 ratio = 1.000 hyp_len = 2 ref_len = 2)",
    );
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
  it("wires --format jsonl and --max-ngram-order", async () => {
    const jsonlDir = fileURLToPath(new URL("../../fixtures/conformance/metric-jsonl/", import.meta.url));
    const lsum = JSON.parse(await run("rouge", "--hyp", join(jsonlDir, "summaries.jsonl"), "--format", "jsonl", "--json"));
    const expected = JSON.parse(readFileSync(join(jsonlDir, "expected.json"), "utf8"));
    expect(Math.abs(lsum.rougeLsum.fmeasure - expected.rouge.plain.rougeLsum.fmeasure)).toBeLessThan(1e-12);
    const bleu = JSON.parse(
      await run("bleu", "--hyp", join(jsonlDir, "single-ref.jsonl"), "--format", "jsonl", "--max-ngram-order", "2", "--json"),
    );
    expect(Math.abs(bleu.score - expected.bleu[1].score)).toBeLessThan(1e-7);
    await expect(run("bleu", "--hyp", hyp, "--ref", ref1, "--max-ngram-order", "two")).rejects.toThrow(
      /--max-ngram-order: expected an integer/,
    );
  });
  it("turns a bad number into a user error", async () => {
    await expect(run("chrf", "--hyp", hyp, "--ref", ref1, "--word-order", "two")).rejects.toBeInstanceOf(UserError);
  });
});

describe("assay metric --format jsonl and --max-ngram-order match rouge-score and sacrebleu", () => {
  const jsonlDir = fileURLToPath(new URL("../../fixtures/conformance/metric-jsonl/", import.meta.url));
  const expected = JSON.parse(readFileSync(join(jsonlDir, "expected.json"), "utf8")) as {
    rows: number;
    rouge: Record<string, Record<string, Record<string, number>> | Record<string, number[]>[]>;
    bleu: {
      max_ngram_order: number;
      score: number;
      counts: number[];
      totals: number[];
      bp: number;
      sys_len: number;
      ref_len: number;
      sentences: number[];
    }[];
  };
  const summaries = join(jsonlDir, "summaries.jsonl");
  const single = join(jsonlDir, "single-ref.jsonl");
  const TYPES = ["rouge1", "rouge2", "rougeL", "rougeLsum"];

  for (const stem of [false, true]) {
    it(`rouge on multi-sentence summaries ({"hyp", "refs"} lines), stem=${stem}`, async () => {
      const report = await metricCommand({
        metric: "rouge",
        hyp: summaries,
        refs: [],
        format: "jsonl",
        stem: stem || undefined,
        segments: true,
      });
      const mean = expected.rouge[stem ? "stem" : "plain"] as Record<string, Record<string, number>>;
      const perSegment = expected.rouge[stem ? "segments_stem" : "segments_plain"] as Record<string, number[]>[];
      expect(report.segments).toHaveLength(expected.rows);
      for (const type of TYPES) {
        for (const k of ["precision", "recall", "fmeasure"] as const)
          expect(Math.abs(report.rouge![type][k] - mean[type][k]), `${type} ${k}`).toBeLessThan(1e-12);
      }
      (report.segments as Record<string, { precision: number; recall: number; fmeasure: number }>[]).forEach((seg, i) => {
        for (const type of TYPES) {
          const [p, r, f] = perSegment[i][type];
          expect(
            [seg[type].precision, seg[type].recall, seg[type].fmeasure].map((v, j) => Math.abs(v - [p, r, f][j]) < 1e-12),
            `segment ${i + 1} ${type}`,
          ).toEqual([true, true, true]);
        }
      });
      // The summaries have several sentences: ROUGE-Lsum differs from ROUGE-L on them.
      expect(Math.abs(report.rouge!.rougeLsum.fmeasure - report.rouge!.rougeL.fmeasure)).toBeGreaterThan(0.01);
    });
  }

  it("JSON-string lines with --ref files of JSON strings read the same segments", async () => {
    const rows = readFileSync(single, "utf8")
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as { hyp: string; refs: string[] });
    const dir = mkdtempSync(join(tmpdir(), "assay-jsonl-"));
    writeFileSync(join(dir, "h.jsonl"), rows.map((r) => JSON.stringify(r.hyp)).join("\n") + "\n");
    writeFileSync(join(dir, "r.jsonl"), rows.map((r) => JSON.stringify(r.refs[0])).join("\n") + "\n");
    const objects = await metricCommand({ metric: "rouge", hyp: single, refs: [], format: "jsonl" });
    const strings = await metricCommand({ metric: "rouge", hyp: join(dir, "h.jsonl"), refs: [join(dir, "r.jsonl")], format: "jsonl" });
    expect(strings.rouge).toEqual(objects.rouge);
  });

  for (const order of [1, 2, 3, 4, 5, 6]) {
    it(`bleu --max-ngram-order ${order} (sacrebleu BLEU(max_ngram_order=${order}))`, async () => {
      const e = expected.bleu.find((b) => b.max_ngram_order === order)!;
      const report = await metricCommand({ metric: "bleu", hyp: single, refs: [], format: "jsonl", maxNgramOrder: order, segments: true });
      expect(Math.abs(report.score! - e.score)).toBeLessThan(1e-7);
      expect(report.signature).toBe(`nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp${order === 4 ? "" : `|ngram:${order}`}|version:2.6.0`);
      expect(report.text).toMatch(
        new RegExp(
          `^BLEU\\|[^ ]+ = [0-9.]+ ${Array(order).fill("[0-9.]+").join("/")} \\(BP = ${e.bp.toFixed(3)}.* hyp_len = ${e.sys_len} ref_len = ${e.ref_len}\\)`,
        ),
      );
      (report.segments as number[]).forEach((s, i) => expect(Math.abs(s - e.sentences[i]), `segment ${i + 1}`).toBeLessThan(1e-7));
    });
  }

  it("the bleu scorer's max_ngram_order gives sacrebleu's corpus BLEU from summed statistics", () => {
    const rows = readFileSync(single, "utf8")
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as { hyp: string; refs: string[] });
    for (const order of [2, 6]) {
      const scorer = bleuScorer({ max_ngram_order: order });
      const stats = rows.map(
        (r) => (scorer.score({ answer: r.hyp, output: r.hyp, targets: r.refs, item: {} }) as { stats: number[] }).stats,
      );
      const summed = stats[0].map((_, k) => stats.reduce((s, x) => s + x[k], 0));
      expect(Math.abs(scorer.aggregate!(summed) * 100 - expected.bleu.find((b) => b.max_ngram_order === order)!.score)).toBeLessThan(1e-7);
    }
  });
});

describe("assay metric refuses bad input files, naming file and line", () => {
  const tmp = mkdtempSync(join(tmpdir(), "assay-metric-input-"));
  const file = (name: string, content: string | Buffer) => {
    writeFileSync(join(tmp, name), content);
    return join(tmp, name);
  };
  const ref = file("ref.txt", "a\nb\nc\n");
  const error = async (options: MetricOptions) => {
    const e = await metricCommand(options).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UserError);
    return (e as UserError).message;
  };

  it("binary or invalid UTF-8 text (was scored as U+FFFD)", async () => {
    const latin1 = file("latin1.txt", Buffer.from("ok\nalso ok\ncaf\xe9\n", "latin1"));
    expect(await error({ metric: "bleu", hyp: latin1, refs: [ref] })).toBe(
      `${latin1}:3: hypothesis file is not valid UTF-8 (bytes e9 0a at column 4); convert it, e.g. iconv -f latin1 -t utf-8`,
    );
    const binary = file("binary.bin", Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0xff, 0x00]));
    expect(await error({ metric: "rouge", hyp: ref, refs: [binary] })).toMatch(
      new RegExp(`^${binary}:1: reference file is not valid UTF-8`),
    );
    expect(await error({ metric: "chrf", hyp: tmp, refs: [ref] })).toBe(`${tmp}: hypothesis file is a directory`);
  });

  it("every JSONL mistake at once", async () => {
    const bad = file(
      "bad.jsonl",
      '{"hyp": "a", "refs": ["b"]}\n{"hyp": "a", "ref": ["b"]}\nnot json\n\n{"hyp": 1, "refs": ["b"]}\n{"hyp": "a", "refs": []}\n',
    );
    const message = await error({ metric: "rouge", hyp: bad, refs: [], format: "jsonl" });
    expect(message.split("\n")).toEqual([
      `${bad}:2: unknown field "ref" (expected "hyp" and "refs")`,
      expect.stringMatching(new RegExp(`^${bad}:3: not valid JSON \\(`)),
      `${bad}:4: empty line (each line must be one JSON value)`,
      `${bad}:5: "hyp" must be a string`,
      `${bad}:6: "refs" must be a non-empty array of strings`,
    ]);
    const mixed = file("mixed.jsonl", '"a"\n{"hyp": "a", "refs": ["b"]}\n');
    expect(await error({ metric: "rouge", hyp: mixed, refs: [], format: "jsonl" })).toMatch(
      /mixes JSON strings and \{"hyp", "refs"\} objects/,
    );
    const objects = file("objects.jsonl", '{"hyp": "a", "refs": ["b"]}\n');
    expect(await error({ metric: "rouge", hyp: objects, refs: [ref], format: "jsonl" })).toMatch(/--ref files are not used; drop --ref/);
    const strings = file("strings.jsonl", '"a"\n"b"\n"c"\n');
    const refObjects = file("ref-objects.jsonl", '"a"\n{"hyp": "b", "refs": ["b"]}\n"c"\n');
    expect(await error({ metric: "bleu", hyp: strings, refs: [refObjects], format: "jsonl" })).toBe(
      `${refObjects}:2: expected a JSON string`,
    );
    expect(await error({ metric: "bleu", hyp: strings, refs: [], format: "jsonl" })).toMatch(/at least one --ref file is required/);
    expect(await error({ metric: "bleu", hyp: strings, refs: [ref], format: "csv" })).toMatch(
      /--format: unknown value "csv" \(known: lines, jsonl\)/,
    );
    expect(await error({ metric: "chrf", hyp: strings, refs: [ref], maxNgramOrder: 2 })).toMatch(
      /--max-ngram-order does not apply to chrf/,
    );
    expect(await error({ metric: "bleu", hyp: ref, refs: [ref], maxNgramOrder: 0 })).toMatch(
      /--max-ngram-order: expected an integer from 1 to 100, got 0/,
    );
  });

  it("a ROUGE-L pair over the limit is refused with its line and what to do", async () => {
    const words = Array.from({ length: 20_000 }, (_, i) => `w${i % 3000}`).join(" ");
    const hyp = file("long-hyp.txt", `short line\n${words}\n`);
    const longRef = file("long-ref.txt", `short line\n${words}\n`);
    expect(await error({ metric: "rouge", hyp, refs: [longRef] })).toBe(
      `${hyp}:2: rougeL would compare 20,000 x 20,000 tokens, over the limit of 250,000,000 token pairs (the LCS is quadratic); split this segment into shorter segments and score them separately`,
    );
  });
});
