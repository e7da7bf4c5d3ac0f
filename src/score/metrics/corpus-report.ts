// The library side of `assay metric`: score a hypothesis file against reference files (one
// segment per line, or per JSON line) with a metric's reference parameters, on the reference's
// own scale. File reading (metric-input.ts) is the only I/O; the scoring is the pure metric functions.

import { UserError, didYouMean } from "../../errors.ts";
import {
  BLEU_SMOOTHING,
  BLEU_TOKENIZERS,
  MAX_NGRAM_ORDER,
  bleuFromStats,
  bleuSegmentStats,
  bleuSignature,
  formatBleu,
  sumStats,
  type BleuOptions,
} from "./bleu.ts";
import { chrfFromStats, chrfSegmentStats, chrfSignature, formatChrf, type ChrfOptions } from "./chrf.ts";
import { editSimilarity } from "./edit-distance.ts";
import { pyFixed, pyRstrip } from "./python-text.ts";
import { METRIC_FORMATS, readMetricInput, type MetricFormat } from "./metric-input.ts";
import { DEFAULT_ROUGE_TYPES, RougeLimitError, rouge, type RougeScore } from "./rouge.ts";
import { squadExactMatch, squadF1 } from "./squad.ts";

import { CLI_METRICS, type CliMetric } from "./cli-metrics.ts";

export { CLI_METRICS, type CliMetric } from "./cli-metrics.ts";

/** What `assay metric` takes. Reference parameters a metric does not have are rejected. */
export interface MetricOptions {
  metric: string;
  /** Hypothesis file, one segment per line (or per JSON line with `format: "jsonl"`). */
  hyp: string;
  /** Reference files, line-aligned with the hypotheses (none when the JSONL lines carry `refs`). */
  refs: string[];
  /** `lines` (default): a segment per text line; `jsonl`: a JSON string, or `{"hyp", "refs"}`, per line. */
  format?: string;
  /** Add per-segment scores to the report. */
  segments?: boolean;
  /** Decimal places in the text line (sacrebleu `-w`, default 2). */
  width?: number;
  tokenize?: string;
  smooth?: string;
  smoothValue?: number;
  lowercase?: boolean;
  effectiveOrder?: boolean;
  /** BLEU's maximum n-gram order (sacrebleu max_ngram_order, default 4). */
  maxNgramOrder?: number;
  charOrder?: number;
  wordOrder?: number;
  beta?: number;
  whitespace?: boolean;
  epsSmoothing?: boolean;
  stem?: boolean;
}

/** The result: `json` is what `--json` prints, `text` the human-readable lines. */
export interface MetricReport {
  metric: CliMetric;
  /** Corpus score on the reference's own scale (BLEU/chrF/EM/F1 0-100, edit-distance 0-1); absent for rouge. */
  score?: number;
  signature: string;
  /** For rouge: per type, the mean over segments of precision, recall and F. */
  rouge?: Record<string, RougeScore>;
  segments?: unknown[];
  text: string;
  json: Record<string, unknown>;
}

/** Which reference options each metric accepts (the rest are user errors). */
const APPLIES: Record<CliMetric, (keyof MetricOptions)[]> = {
  bleu: ["tokenize", "smooth", "smoothValue", "lowercase", "effectiveOrder", "maxNgramOrder"],
  chrf: ["charOrder", "wordOrder", "beta", "lowercase", "whitespace", "epsSmoothing"],
  rouge: ["stem"],
  "exact-match": [],
  f1: [],
  "edit-distance": ["lowercase"],
};
const FLAG: Partial<Record<keyof MetricOptions, string>> = {
  tokenize: "--tokenize",
  smooth: "--smooth",
  smoothValue: "--smooth-value",
  lowercase: "--lowercase",
  effectiveOrder: "--effective-order",
  maxNgramOrder: "--max-ngram-order",
  charOrder: "--char-order",
  wordOrder: "--word-order",
  beta: "--beta",
  whitespace: "--whitespace",
  epsSmoothing: "--eps-smoothing",
  stem: "--stem",
};

function checkOptions(metric: CliMetric, o: MetricOptions): void {
  const problems: string[] = [];
  for (const key of Object.keys(FLAG) as (keyof MetricOptions)[]) {
    if (o[key] !== undefined && o[key] !== false && !APPLIES[metric].includes(key)) {
      problems.push(`${FLAG[key]} does not apply to ${metric}`);
    }
  }
  if (o.tokenize !== undefined && !BLEU_TOKENIZERS.includes(o.tokenize as never)) {
    problems.push(`--tokenize: unknown value "${o.tokenize}" (known: ${BLEU_TOKENIZERS.join(", ")})`);
  }
  if (o.smooth !== undefined && !BLEU_SMOOTHING.includes(o.smooth as never)) {
    problems.push(`--smooth: unknown value "${o.smooth}" (known: ${BLEU_SMOOTHING.join(", ")})`);
  }
  for (const key of ["charOrder", "wordOrder", "beta", "width"] as const) {
    const v = o[key];
    if (v !== undefined && (!Number.isInteger(v) || v < 0))
      problems.push(`${FLAG[key] ?? "--width"}: expected a non-negative integer, got ${v}`);
  }
  if (o.smoothValue !== undefined && !Number.isFinite(o.smoothValue))
    problems.push(`--smooth-value: expected a number, got ${o.smoothValue}`);
  if (o.maxNgramOrder !== undefined && !(Number.isInteger(o.maxNgramOrder) && o.maxNgramOrder >= 1 && o.maxNgramOrder <= MAX_NGRAM_ORDER)) {
    problems.push(`--max-ngram-order: expected an integer from 1 to ${MAX_NGRAM_ORDER}, got ${o.maxNgramOrder}`);
  }
  if (o.format !== undefined && !METRIC_FORMATS.includes(o.format as MetricFormat))
    problems.push(`--format: unknown value "${o.format}" (known: ${METRIC_FORMATS.join(", ")})`);
  if (problems.length) throw new UserError(problems.join("\n"), { code: "E_OPTION" });
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/**
 * Scores a hypothesis file against reference files.
 * @example await metricCommand({ metric: "bleu", hyp: "hyps.txt", refs: ["refs.txt"] })
 */
export async function metricCommand(options: MetricOptions): Promise<MetricReport> {
  if (!CLI_METRICS.includes(options.metric as CliMetric)) {
    throw new UserError(`unknown metric "${options.metric}"${didYouMean(options.metric, CLI_METRICS)} (known: ${CLI_METRICS.join(", ")})`, {
      code: "E_OPTION",
    });
  }
  const metric = options.metric as CliMetric;
  checkOptions(metric, options);
  const format = (options.format ?? "lines") as MetricFormat;
  const { hyps, refs, where } = readMetricInput(options.hyp, options.refs, format);
  if (hyps.length === 0) throw new UserError(`${options.hyp}: no segments (the file is empty)`, { code: "E_LINES" });
  const refsOf = (i: number) => refs[i];
  const width = options.width ?? 2;
  const counts = new Set(refs.map((r) => r.length));
  const nrefs: number | "var" = counts.size === 1 ? refs[0].length : "var";

  if (metric === "bleu" || metric === "chrf") {
    // sacrebleu's CLI right-strips every line it reads; JSON strings are taken as they are.
    const strip = format === "lines" ? pyRstrip : (x: string) => x;
    const h = hyps.map(strip);
    const rRefs = (i: number) => refs[i].map(strip);
    let score: number;
    let signature: string;
    let text: string;
    let segments: number[] | undefined;
    if (metric === "bleu") {
      const o: BleuOptions = {
        tokenize: options.tokenize as BleuOptions["tokenize"],
        smooth: options.smooth as BleuOptions["smooth"],
        smoothValue: options.smoothValue,
        lowercase: options.lowercase,
        effectiveOrder: options.effectiveOrder,
        maxNgramOrder: options.maxNgramOrder,
      };
      const rows = h.map((x, i) => bleuSegmentStats(x, rRefs(i), o));
      const result = bleuFromStats(sumStats(rows), o);
      score = result.score;
      signature = bleuSignature(o, nrefs);
      text = formatBleu(result, signature, width);
      if (options.segments) segments = rows.map((row) => bleuFromStats(row, { ...o, effectiveOrder: true }).score);
    } else {
      const o: ChrfOptions = {
        charOrder: options.charOrder,
        wordOrder: options.wordOrder,
        beta: options.beta,
        lowercase: options.lowercase,
        whitespace: options.whitespace,
        epsSmoothing: options.epsSmoothing,
      };
      const rows = h.map((x, i) => chrfSegmentStats(x, rRefs(i), o));
      score = chrfFromStats(sumStats(rows), o);
      signature = chrfSignature(o, nrefs);
      text = formatChrf(score, o, signature, width);
      if (options.segments) segments = rows.map((row) => chrfFromStats(row, o));
    }
    const json: Record<string, unknown> = { metric, score, signature, aggregation: "corpus" };
    if (segments) json.segments = segments;
    if (segments) text += "\n" + segments.map((s, i) => `${i + 1}\t${pyFixed(s, width)}`).join("\n");
    return { metric, score, signature, segments, text, json };
  }

  if (metric === "rouge") {
    const useStemmer = options.stem ?? false;
    const perSegment = hyps.map((x, i) => {
      try {
        return rouge(x, refsOf(i), { useStemmer });
      } catch (error) {
        if (error instanceof RougeLimitError)
          throw new UserError(error.message.replace("split the text", "split this segment"), { location: where[i], code: error.code });
        throw error;
      }
    });
    const averaged: Record<string, RougeScore> = {};
    for (const type of DEFAULT_ROUGE_TYPES) {
      averaged[type] = {
        precision: mean(perSegment.map((s) => s[type].precision)),
        recall: mean(perSegment.map((s) => s[type].recall)),
        fmeasure: mean(perSegment.map((s) => s[type].fmeasure)),
      };
    }
    const signature = `nrefs:${nrefs}|stem:${useStemmer ? "yes" : "no"}|tok:rouge-score|multi:max-f|agg:mean|version:rouge-score-0.1.2`;
    const json: Record<string, unknown> = { metric, ...averaged, signature, aggregation: "mean of segments" };
    if (options.segments) json.segments = perSegment;
    const lines = DEFAULT_ROUGE_TYPES.map((t) => {
      const s = averaged[t];
      return `${t.padEnd(9)} P = ${pyFixed(s.precision * 100, width)} R = ${pyFixed(s.recall * 100, width)} F = ${pyFixed(s.fmeasure * 100, width)}`;
    });
    let text = `ROUGE|${signature}\n${lines.join("\n")}`;
    if (options.segments)
      text +=
        "\n" +
        perSegment.map((s, i) => `${i + 1}\t${DEFAULT_ROUGE_TYPES.map((t) => pyFixed(s[t].fmeasure * 100, width)).join("\t")}`).join("\n");
    return { metric, rouge: averaged, signature, segments: options.segments ? perSegment : undefined, text, json };
  }

  // Item metrics: the corpus score is the mean of segment scores.
  let values: number[];
  let signature: string;
  let name: string;
  let scale: number;
  if (metric === "exact-match" || metric === "f1") {
    values = hyps.map((x, i) => (metric === "f1" ? squadF1(x, refsOf(i)) : squadExactMatch(x, refsOf(i))));
    signature = `nrefs:${nrefs}|norm:squad-v1.1|agg:mean`;
    name = metric === "f1" ? "F1" : "EM";
    scale = 100;
  } else {
    const lc = options.lowercase ?? false;
    const prep = (s: string) => (lc ? s.toLowerCase() : s);
    values = hyps.map((x, i) => Math.max(...refsOf(i).map((r) => editSimilarity(prep(x), prep(r)))));
    signature = `nrefs:${nrefs}|case:${lc ? "lc" : "mixed"}|unit:codepoint|norm:max-len|agg:mean`;
    name = "EditSim";
    scale = 1;
  }
  const score = mean(values) * scale;
  const segments = options.segments ? values.map((v) => v * scale) : undefined;
  const json: Record<string, unknown> = { metric, score, signature, aggregation: "mean of segments" };
  if (segments) json.segments = segments;
  let text = `${name}|${signature} = ${pyFixed(score, scale === 1 ? Math.max(width, 4) : width)}`;
  if (segments) text += "\n" + segments.map((s, i) => `${i + 1}\t${pyFixed(s, scale === 1 ? Math.max(width, 4) : width)}`).join("\n");
  return { metric, score, signature, segments, text, json };
}
