// The assay CLI: wires commands (each a file) to library functions; prints user errors
// without a stack (exit 2) and bugs with one.
import { Command, CommanderError } from "commander";
import { UserError } from "../errors.ts";
import { terminalSafe } from "../report/table.ts";
import { storeError } from "../store/store-error.ts";
import { assayVersion } from "../version.ts";
import { registerBaselineCommand } from "./baseline.ts";
import { registerCalibrateCommand } from "./calibrate.ts";
import { registerCompareCommand } from "./compare.ts";
import { registerExportCommand } from "./export.ts";
import { registerGateCommand } from "./gate.ts";
import { registerInitCommand } from "./init.ts";
import { registerListCommand } from "./list.ts";
import { registerMergeCommand } from "./merge.ts";
import { registerMetricCommand } from "./metric.ts";
import type { CliIo } from "./io.ts";
import { registerReportCommand } from "./report.ts";
import { registerQuantizeCommand } from "./quantize.ts";
import { registerReviewCommand } from "./review.ts";
import { registerRunCommand } from "./run.ts";
import { registerRunsCommand } from "./runs.ts";
import { registerShowCommands } from "./show.ts";

/** Run the CLI with `argv` (as process.argv); resolves to the exit code. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  let exitCode = 0;
  const sink: CliIo = { ...io, setExitCode: (code) => (exitCode = code) };
  const program = new Command("assay")
    .description("LLM evaluation: suites, prompt strategies, models, metrics, autoraters, SQLite")
    .version(assayVersion)
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  registerInitCommand(program, sink);
  registerRunCommand(program, sink);
  registerListCommand(program, sink);
  registerShowCommands(program, sink);
  registerRunsCommand(program, sink);
  registerExportCommand(program, sink);
  registerCompareCommand(program, sink);
  registerGateCommand(program, sink);
  registerBaselineCommand(program, sink);
  registerCalibrateCommand(program, sink);
  registerReviewCommand(program, sink);
  registerMergeCommand(program, sink);
  registerReportCommand(program, sink);
  registerQuantizeCommand(program, sink);
  registerMetricCommand(program, (text) => io.out(`${text}\n`));
  if (argv.length <= 2) {
    // Bare `assay`: what it can do, on stdout, and success (help is what was asked for).
    io.out(program.helpInformation());
    return 0;
  }
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; bad flags and arguments are user errors.
      return error.exitCode === 0 ? 0 : 2;
    }
    // Database trouble that reached here without a path (full disk, locked) is still the user's to fix.
    const shown = storeError(error, undefined);
    if (shown instanceof UserError) {
      // Messages quote data (ids, field names, values): control characters are escaped.
      io.err(`error: ${shown.message.split("\n").map(terminalSafe).join("\n")}\n`);
      return 2;
    }
    io.err(`assay: internal error (a bug; please report it)\n${(error as Error).stack ?? String(error)}\n`);
    return 3;
  }
}

/**
 * The real stdout and stderr. A failed write to stdout (`assay runs > /dev/full`) is reported
 * in one line on stderr with exit code 2; a closed pipe (`assay runs | head -1`) ends quietly.
 */
function processIo(): CliIo {
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
    process.stderr.write(`error: cannot write to standard output: ${error.message}\n`);
    process.exit(2);
  });
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    setExitCode: (code) => (process.exitCode = code),
    stdout: process.stdout,
    width: process.stdout.isTTY ? process.stdout.columns : undefined,
  };
}
