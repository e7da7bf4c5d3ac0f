// `assay show [RUN_ID]`: a stored run's summary again (the newest run by default).
import type { Command } from "commander";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { UserError } from "../errors.ts";
import { runSummary } from "../report/summary.ts";
import { summaryTable } from "../report/table.ts";
import { openStore } from "../store/db.ts";
import { getRun, listRuns } from "../store/runs.ts";
import { intOption } from "./options.ts";
import { runJson, type CliIo } from "./run.ts";

/** Add `assay show [runId]` and `assay runs`. */
export function registerShowCommands(program: Command, io: CliIo): void {
  program
    .command("show")
    .description("print a stored run's summary (default: the newest run)")
    .argument("[runId]", "run id", intOption("runId"))
    .option("--db <path>", "SQLite database", ".assay/assay.db")
    .option("--json", "print JSON")
    .action((runId: number | undefined, flags: { db: string; json?: boolean }) => {
      const db = openExisting(flags.db);
      try {
        const run = runId !== undefined ? getRun(db, runId) : listRuns(db)[0];
        if (!run) throw new UserError(runId !== undefined ? `no run ${runId} in ${flags.db}` : `no runs in ${flags.db}`, { code: "E_SHOW" });
        const summary = runSummary(db, run.id, { seed: run.seed });
        const dbPath = resolve(flags.db);
        if (flags.json) io.out(JSON.stringify({ ...runJson({ runId: run.id, db: dbPath, results: summary.results }), status: run.status }, null, 2) + "\n");
        else io.out(`run ${run.id} (${run.status}, ${run.created_at}, assay ${run.assay_version}, seed ${run.seed})\n${summaryTable(summary.results)}\n`);
      } finally {
        db.close();
      }
    });
  program
    .command("runs")
    .description("list stored runs")
    .option("--db <path>", "SQLite database", ".assay/assay.db")
    .action((flags: { db: string }) => {
      const db = openExisting(flags.db);
      try {
        for (const run of listRuns(db)) {
          const command = JSON.parse(run.command) as { models: string[]; select: string[] };
          io.out(`${run.id}\t${run.status}\t${run.created_at}\tmodels=${command.models.join(",")}\tselect=${command.select.join(",") || "(all)"}\n`);
        }
      } finally {
        db.close();
      }
    });
}

function openExisting(path: string) {
  if (!existsSync(path)) throw new UserError("database not found (run  assay run  first)", { location: path, code: "E_DB" });
  return openStore(path);
}
