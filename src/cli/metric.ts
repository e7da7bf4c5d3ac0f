// `assay metric <name> --hyp FILE --ref FILE...`: wires flags to metricCommand and prints.
import type { Command } from "commander";
import { UserError } from "../errors.ts";
import { CLI_METRICS } from "../score/metrics/cli-metrics.ts";
import type { MetricOptions } from "../score/metrics/corpus-report.ts";

const collect = (value: string, previous: string[] = []) => [...previous, value];

function toNumber(flag: string, value: string | undefined, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    throw new UserError(`${flag}: expected ${integer ? "an integer" : "a number"}, got "${value}"`, { code: "E_OPTION" });
  }
  return n;
}

/** Adds `assay metric` to the program. `print` receives each output block (default: stdout). */
export function registerMetricCommand(program: Command, print: (text: string) => void = (t) => process.stdout.write(t + "\n")): void {
  program
    .command("metric")
    .description(`score a hypothesis file against reference files, one segment per line or JSON line (${CLI_METRICS.join(", ")})`)
    .argument("<name>", `metric: ${CLI_METRICS.join(", ")}`)
    .requiredOption("--hyp <file>", "hypotheses, one per line")
    .option("--ref <file>", "references, one per line (repeat for several references)", collect, [])
    .option(
      "--format <format>",
      'lines (default) or jsonl: each line a JSON string, or {"hyp": ..., "refs": [...]} (then no --ref), so segments can span lines',
    )
    .option("--json", "print one JSON object")
    .option("--segments", "add per-segment scores")
    .option("-w, --width <n>", "decimal places in the text output (sacrebleu -w; default 2)")
    .option("--tokenize <name>", "bleu: 13a (default), none, intl, char")
    .option("--smooth <method>", "bleu: exp (default), floor, add-k, none")
    .option("--smooth-value <x>", "bleu: value for floor (0.1) / add-k (1)")
    .option("--effective-order", "bleu: use effective n-gram order")
    .option("--max-ngram-order <n>", "bleu: maximum n-gram order (sacrebleu max_ngram_order; default 4)")
    .option("--lowercase", "bleu, chrf, edit-distance: lower-case first")
    .option("--char-order <n>", "chrf: character n-gram order (default 6)")
    .option("--word-order <n>", "chrf: word n-gram order (default 0; 2 = chrF++)")
    .option("--beta <n>", "chrf: recall weight (default 2)")
    .option("--whitespace", "chrf: keep white space in character n-grams")
    .option("--eps-smoothing", "chrf: epsilon smoothing instead of effective order")
    .option("--stem", "rouge: Porter-stem tokens (rouge-score use_stemmer)")
    .action(async (name: string, flags: Record<string, unknown>) => {
      const options: MetricOptions = {
        metric: name,
        hyp: flags.hyp as string,
        refs: flags.ref as string[],
        format: flags.format as string | undefined,
        segments: Boolean(flags.segments),
        width: toNumber("--width", flags.width as string | undefined, true),
        tokenize: flags.tokenize as string | undefined,
        smooth: flags.smooth as string | undefined,
        smoothValue: toNumber("--smooth-value", flags.smoothValue as string | undefined, false),
        lowercase: flags.lowercase as boolean | undefined,
        effectiveOrder: flags.effectiveOrder as boolean | undefined,
        maxNgramOrder: toNumber("--max-ngram-order", flags.maxNgramOrder as string | undefined, true),
        charOrder: toNumber("--char-order", flags.charOrder as string | undefined, true),
        wordOrder: toNumber("--word-order", flags.wordOrder as string | undefined, true),
        beta: toNumber("--beta", flags.beta as string | undefined, true),
        whitespace: flags.whitespace as boolean | undefined,
        epsSmoothing: flags.epsSmoothing as boolean | undefined,
        stem: flags.stem as boolean | undefined,
      };
      const { metricCommand } = await import("../score/metrics/corpus-report.ts");
      const report = await metricCommand(options);
      print(flags.json ? JSON.stringify(report.json) : report.text);
    });
}
