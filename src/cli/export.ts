// `assay export RUN --jsonl|--csv [--out FILE]`: every trial of a run, streamed.
import type { Command } from "commander";
import { createWriteStream, renameSync, rmSync } from "node:fs";
import { once } from "node:events";
import { UserError } from "../errors.ts";
import type { ExportFormat } from "../report/export.ts";
import type { CliIo } from "./io.ts";
import { intOption } from "./options.ts";

/** Add `assay export <runId>`. */
export function registerExportCommand(program: Command, io: CliIo): void {
  program
    .command("export")
    .description(
      "one record per trial: task, item and its fields, model, strategy, sample, prompt, output, answer, targets, status, error, latency, tokens, cost, a value per metric",
    )
    .argument("<runId>", "run id", intOption("runId"))
    .option("--jsonl", "JSON lines")
    .option("--csv", "CSV (RFC 4180; text that a spreadsheet would run as a formula gets a leading ')")
    .option("--out <file>", "write to FILE (replaced only when the export is complete) instead of stdout")
    .option("--db <path>", "SQLite database", ".assay/assay.db")
    .action(async (runId: number, flags: { jsonl?: boolean; csv?: boolean; out?: string; db: string }) => {
      if (Boolean(flags.jsonl) === Boolean(flags.csv))
        throw new UserError("export: give exactly one of --jsonl or --csv", { code: "E_OPTION" });
      const format: ExportFormat = flags.jsonl ? "jsonl" : "csv";
      const [{ exportRun }, { withReadOnlyStore }] = await Promise.all([import("../report/export.ts"), import("./read-store.ts")]);
      await withReadOnlyStore(flags.db, async (db) => {
        const lines = exportRun(db, runId, format);
        const first = lines.next(); // checks the run exists before any file is created
        const all = (function* () {
          if (!first.done) yield first.value;
          yield* lines;
        })();
        if (flags.out) await writeFileAtomically(flags.out, all);
        else if (io.stdout) await writeChunked(all, io.stdout);
        else for (const line of all) io.out(line);
      });
    });
}

/** Write lines in chunks of about 64 KB, waiting whenever the stream asks to (constant memory). */
async function writeChunked(lines: Iterable<string>, stream: NodeJS.WritableStream): Promise<void> {
  let chunk = "";
  const flush = async () => {
    const ok = stream.write(chunk);
    chunk = "";
    if (!ok) await once(stream, "drain"); // once() rejects if the stream emits 'error' first
  };
  for (const line of lines) {
    chunk += line;
    if (chunk.length >= 65536) await flush();
  }
  if (chunk) await flush();
}

/** Write to a temporary file beside `path` and rename it into place: never a half-written export. */
async function writeFileAtomically(path: string, lines: Iterable<string>): Promise<void> {
  const temp = `${path}.${process.pid}.partial`;
  const stream = createWriteStream(temp, { flags: "wx" });
  try {
    await once(stream, "open");
    await writeChunked(lines, stream);
    stream.end();
    await once(stream, "finish");
    renameSync(temp, path);
  } catch (error) {
    stream.destroy();
    rmSync(temp, { force: true });
    // A full disk, a missing folder, no permission: the user's to fix.
    if (typeof (error as NodeJS.ErrnoException).code === "string" && (error as NodeJS.ErrnoException).syscall) {
      throw new UserError(`cannot write the export: ${(error as Error).message}`, { location: path, code: "E_EXPORT", cause: error });
    }
    throw error;
  }
}
