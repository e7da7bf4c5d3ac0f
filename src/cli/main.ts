// The assay CLI: wires commands (each a file) to library functions; prints user errors
// without a stack (exit 2) and bugs with one.
import { Command, CommanderError } from "commander";
import { UserError } from "../errors.ts";
import { terminalSafe } from "../report/table.ts";
import { assayVersion } from "../version.ts";
import { registerCompareCommand } from "./compare.ts";
import { registerListCommand } from "./list.ts";
import { registerMetricCommand } from "./metric.ts";
import { registerRunCommand, type CliIo } from "./run.ts";
import { registerShowCommands } from "./show.ts";

/** Run the CLI with `argv` (as process.argv); resolves to the exit code. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  let exitCode = 0;
  const sink: CliIo = { out: io.out, err: io.err, setExitCode: (code) => (exitCode = code) };
  const program = new Command("assay")
    .description("LLM evaluation: suites, prompt strategies, models, metrics, autoraters, SQLite")
    .version(assayVersion)
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  registerRunCommand(program, sink);
  registerListCommand(program, sink);
  registerShowCommands(program, sink);
  registerCompareCommand(program, sink);
  registerMetricCommand(program, (text) => io.out(`${text}\n`));
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; bad flags and arguments are user errors.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof UserError) {
      // Messages quote data (ids, field names, values): control characters are escaped.
      io.err(`error: ${error.message.split("\n").map(terminalSafe).join("\n")}\n`);
      return 2;
    }
    io.err(`assay: internal error (a bug; please report it)\n${(error as Error).stack ?? String(error)}\n`);
    return 3;
  }
}

function processIo(): CliIo {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    setExitCode: (code) => (process.exitCode = code),
  };
}
