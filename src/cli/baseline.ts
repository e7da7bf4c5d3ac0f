// `assay baseline export RUN --out FILE`: a run's per-item outcomes as a file to commit for `assay gate`.
import type { Command } from "commander";
import type { CliIo } from "./io.ts";
import { intOption } from "./options.ts";

/** Add `assay baseline export`. */
export function registerBaselineCommand(program: Command, io: CliIo): void {
  const baseline = program.command("baseline").description("baseline files for `assay gate` (CI without the old database)");
  baseline
    .command("export")
    .description("write a run's per-item outcomes (values, corpus statistics, task hashes) as JSON lines")
    .argument("<run>", "run id", intOption("run"))
    .requiredOption("--out <file>", "the baseline file to write")
    .option("--db <path>", "SQLite database", ".assay/assay.db")
    .action(async (run: number, flags: { out: string; db: string }) => {
      const [{ runSide }, { writeBaselineFile }, { withReadOnlyStore }] = await Promise.all([
        import("../gate/side.ts"),
        import("../gate/baseline-file.ts"),
        import("./read-store.ts"),
      ]);
      const side = await withReadOnlyStore(flags.db, (db) => runSide(db, run));
      writeBaselineFile(flags.out, side);
      const items = side.cells.reduce((s, c) => s + c.values.size + c.stats.size, 0);
      io.err(`baseline: run ${run}, ${side.cells.length} cells, ${items} item outcomes -> ${flags.out}\n`);
    });
}
