// `assay runs`: the stored runs with their state, progress, models and selectors.
import type { Command } from "commander";
import type { CliIo } from "./io.ts";

/** Add `assay runs`. */
export function registerRunsCommand(program: Command, io: CliIo): void {
  program
    .command("runs")
    .description("list stored runs: state (live, dead, stale, done, interrupted), trials stored/planned, errors, models, selectors")
    .option("--db <path>", "SQLite database", ".assay/assay.db")
    .option("--json", "print JSON")
    .action(async (flags: { db: string; json?: boolean }) => {
      const [{ runsOverview, runsTable }, { withReadOnlyStore }] = await Promise.all([
        import("../report/runs-overview.ts"),
        import("./read-store.ts"),
      ]);
      await withReadOnlyStore(flags.db, (db) => {
        const runs = runsOverview(db);
        io.out(
          flags.json ? JSON.stringify(runs, null, 2) + "\n" : runs.length ? runsTable(runs, { width: io.width }) + "\n" : "no runs yet\n",
        );
      });
    });
}
