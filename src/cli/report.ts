// `assay report [RUN ...] [--out FILE]`: one self-contained HTML file (leaderboards with
// intervals, provenance, every item) from stored runs.
import type { Command } from "commander";
import type { CliIo } from "./io.ts";
import { intOption } from "./options.ts";

/** Add `assay report [runIds...]`. */
export function registerReportCommand(program: Command, io: CliIo): void {
  program
    .command("report")
    .description("write one self-contained HTML report (no network requests; opens from file://) of stored runs (default: the newest)")
    .argument("[runIds...]", "run ids", (value: string, previous: number[] = []) => [...previous, intOption("runId")(value)])
    .option("--out <file>", "the HTML file to write", "reports/assay-report.html")
    .option("--db <path>", "SQLite database", ".assay/assay.db")
    .action(async (runIds: number[] | undefined, flags: { out: string; db: string }) => {
      const [{ writeReport }, { withReadOnlyStore }] = await Promise.all([
        import("../report/html/write-report.ts"),
        import("./read-store.ts"),
      ]);
      await withReadOnlyStore(flags.db, (db) => {
        const written = writeReport(db, runIds ?? [], flags.out);
        io.out(
          `wrote ${flags.out} (run${written.runs.length > 1 ? "s" : ""} ${written.runs.join(", ")}, ${written.trials} trials, ${(written.bytes / 1024).toFixed(0)} KB)\n`,
        );
      });
    });
}
