// `assay gate --baseline A --candidate B`: the CI regression gate (exit 1 on a regression).
import { type Command, InvalidArgumentError } from "commander";
import type { CliIo } from "./io.ts";
import { intOption } from "./options.ts";

/** A number flag within (min, max) (exclusive), for --tolerance, --alpha and --power. */
function numberIn(flag: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const x = Number(value);
    if (value.trim() === "" || !Number.isFinite(x) || x <= min || x >= max)
      throw new InvalidArgumentError(`${flag} takes a number above ${min}${max === Infinity ? "" : ` and below ${max}`}, got "${value}"`);
    return x;
  };
}

/** Add `assay gate`. */
export function registerGateCommand(program: Command, io: CliIo): void {
  program
    .command("gate")
    .description(
      "CI regression gate: candidate B against baseline A per task, model, strategy and metric on shared items; exit 1 on a regression (B worse by more than the tolerance, significantly)",
    )
    .requiredOption("--baseline <run|file>", "baseline: a run id or a file from `assay baseline export`")
    .requiredOption("--candidate <run|file>", "candidate: a run id (or a baseline file)")
    .option("--tolerance <x>", "the largest change that does not matter, in the metric's units", numberIn("--tolerance", 0, Infinity), 0.02)
    .option("--alpha <x>", "the intervals are 1 - alpha two-sided; false alarms at most alpha/2", numberIn("--alpha", 0, 1), 0.05)
    .option("--power <x>", "power for the minimum detectable effect and the items needed", numberIn("--power", 0, 1), 0.8)
    .option("--baseline-model <spec>", "only this model of the baseline (paired with --candidate-model)")
    .option("--candidate-model <spec>", "only this model of the candidate")
    .option("--baseline-strategy <label>", "only this strategy of the baseline")
    .option("--candidate-strategy <label>", "only this strategy of the candidate")
    .option("--strict", "also fail (exit 1) on underpowered and inconclusive rows")
    .option("--junit <file>", "write JUnit XML (one testcase per row)")
    .option("--markdown <file>", "write a Markdown table (also appended to $GITHUB_STEP_SUMMARY when set)")
    .option("--json", "print JSON: {rows: [...]}")
    .option("--seed <n>", "bootstrap seed", intOption("--seed"), 0)
    .option("--iterations <n>", "bootstrap resamples (scores and corpus metrics)", intOption("--iterations"), 1000)
    .option("--db <path>", "SQLite database (for run ids)", ".assay/assay.db")
    .action(async (flags) => {
      const { gateSides, isRunId, writeGateReports } = await import("../gate/reports.ts");
      const { gateJson, gateOutcome, gateText } = await import("../gate/text.ts");
      const options = {
        tolerance: flags.tolerance as number,
        alpha: flags.alpha as number,
        power: flags.power as number,
        strict: Boolean(flags.strict),
        seed: flags.seed as number,
        iterations: Math.max(1, flags.iterations as number),
        baselineModel: flags.baselineModel,
        candidateModel: flags.candidateModel,
        baselineStrategy: flags.baselineStrategy,
        candidateStrategy: flags.candidateStrategy,
      };
      const rows =
        isRunId(flags.baseline) || isRunId(flags.candidate)
          ? await (await import("./read-store.ts")).withReadOnlyStore(flags.db, (db) =>
              gateSides(flags.baseline, flags.candidate, db, options),
            )
          : gateSides(flags.baseline, flags.candidate, undefined, options);
      writeGateReports(
        rows,
        { junit: flags.junit, markdown: flags.markdown, summary: process.env.GITHUB_STEP_SUMMARY || undefined },
        options,
      );
      io.out(`${flags.json ? gateJson(rows) : gateText(rows, { ...options, width: io.width })}\n`);
      if (gateOutcome(rows, options.strict).failed) io.setExitCode(1);
    });
}
