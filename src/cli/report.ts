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
      const [{ buildReport, checkReportPath, writeHtmlFile }, { withReadOnlyStore }] = await Promise.all([
        import("../report/html/write-report.ts"),
        import("./read-store.ts"),
      ]);
      checkReportPath(flags.out);
      const report = await withReadOnlyStore(flags.db, (db) => buildReport(db, runIds ?? []));
      for (const warning of report.warnings) io.err(`warning: ${warning}\n`);
      const bytes = writeHtmlFile(flags.out, report.html);
      const runs = `run${report.runs.length > 1 ? "s" : ""} ${report.runs.join(", ")}`;
      io.out(`wrote ${flags.out} (${runs}, ${report.trials} trials, ${(bytes / 1024).toFixed(0)} KB)\n`);
    });
}
