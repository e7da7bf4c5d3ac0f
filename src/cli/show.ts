// `assay show [RUN_ID]`: a stored run's summary again (the newest run by default), with a
// warning when it is partial; `--items` lists its trials with prompts, outputs and scores.
import type { Command } from "commander";
import { resolve } from "node:path";
import { UserError } from "../errors.ts";
import type { ShowItemsOptions } from "../report/items-view.ts";
import { judgeTables } from "../report/judge-tables.ts";
import { summaryTable } from "../report/table.ts";
import type { Db } from "../store/db.ts";
import type { CliIo } from "./io.ts";
import { intOption } from "./options.ts";
import { runJson, variantsSection } from "./run.ts";

interface ShowFlags {
  db: string;
  json?: boolean;
  items?: boolean;
  task?: string;
  model?: string;
  strategy?: string;
  metric?: string;
  failed?: boolean;
  passed?: boolean;
  limit?: number;
  reference?: string;
}

/** How many trials `show --items` prints in the terminal when --limit is not given. */
const defaultItemsLimit = 20;

/** Add `assay show [runId]`. */
export function registerShowCommands(program: Command, io: CliIo): void {
  program
    .command("show")
    .description("print a stored run's summary (default: the newest run); --items: its trials one by one")
    .argument("[runId]", "run id", intOption("runId"))
    .option("--db <path>", "SQLite database", ".assay/assay.db")
    .option("--json", "print JSON")
    .option("--items", "per trial: prompt, output, extracted answer, targets, scores (or the error)")
    .option("--task <id>", "--items: only this task (suite/task, task id or suite)")
    .option("--model <spec>", "--items: only this model")
    .option("--strategy <label>", "--items: only this strategy")
    .option("--metric <name>", "--items: only tasks with this metric, and only its scores (with --failed/--passed: the metric judged)")
    .option("--failed", "--items: only trials that errored or scored below 1")
    .option("--passed", "--items: only trials whose every score is 1")
    .option(
      "--limit <n>",
      `--items: at most N trials (default ${defaultItemsLimit} in the terminal, all with --json)`,
      intOption("--limit"),
    )
    .option(
      "--reference <name>",
      "compare the run's models as inference variants against this one (default: the config's reference:, else the first model)",
    )
    .action(async (runId: number | undefined, flags: ShowFlags) => {
      const itemFlags = (["task", "model", "strategy", "metric", "failed", "passed", "limit"] as const).filter(
        (f) => flags[f] !== undefined,
      );
      if (!flags.items && itemFlags.length) throw new UserError(`--${itemFlags[0]} needs --items`, { code: "E_OPTION" });
      if (flags.items && flags.reference !== undefined)
        throw new UserError("--reference does not go with --items (it compares the run's models)", { code: "E_OPTION" });
      if (flags.failed && flags.passed) throw new UserError("--failed and --passed exclude each other", { code: "E_OPTION" });
      const [{ showRun }, { humanTables }, { listRuns }, { withReadOnlyStore }] = await Promise.all([
        import("../report/show-run.ts"),
        import("../report/human-summary.ts"),
        import("../store/runs.ts"),
        import("./read-store.ts"),
      ]);
      await withReadOnlyStore(flags.db, async (db) => {
        const id = runId ?? listRuns(db)[0]?.id;
        if (flags.items && id !== undefined) return printItems(db, id, flags, io);
        const report = showRun(db, id);
        if (report.warning) io.err(`warning: ${report.warning}\n`);
        const { run, liveness, progress } = report;
        const variants = await variantsSection(db, run, { reference: flags.reference, io });
        if (flags.json) {
          const partial = report.warning
            ? { state: liveness.state, trials: progress.trials, planned: progress.planned, warning: report.warning }
            : null;
          io.out(
            JSON.stringify(
              {
                ...runJson({ runId: run.id, db: resolve(flags.db), results: report.results, judges: report.judges }),
                status: run.status,
                state: liveness.state,
                partial,
                human: report.human,
                variants,
              },
              null,
              2,
            ) + "\n",
          );
        } else {
          io.out(
            `run ${run.id} (${liveness.state}, ${run.created_at}, assay ${run.assay_version}, seed ${run.seed})\n${summaryTable(report.results, { width: io.width })}\n`,
          );
          const judges = judgeTables(report.results, report.judges, { width: io.width });
          if (judges) io.out(`\n${judges}\n`);
          const human = humanTables(report.human, { width: io.width });
          if (human) io.out(`\n${human}\n`);
          if (variants) io.out(`\n${(await import("../report/variants-table.ts")).variantsText(variants, { width: io.width })}\n`);
        }
      });
    });
}

async function printItems(db: Db, runId: number, flags: ShowFlags, io: CliIo): Promise<void> {
  const [{ itemsText, showItems }, { partialWarning }, { runLiveness }, { runProgress }] = await Promise.all([
    import("../report/items-view.ts"),
    import("../report/show-run.ts"),
    import("../store/run-owner.ts"),
    import("../store/run-progress.ts"),
  ]);
  const options: ShowItemsOptions = {
    task: flags.task,
    model: flags.model,
    strategy: flags.strategy,
    metric: flags.metric,
    outcome: flags.failed ? "failed" : flags.passed ? "passed" : undefined,
    limit: flags.limit ?? (flags.json ? undefined : defaultItemsLimit),
  };
  const view = showItems(db, runId, options);
  const warning = partialWarning(runId, runLiveness(db, runId)!, runProgress(db, runId).get(runId)!);
  if (warning) io.err(`warning: ${warning}\n`);
  if (!flags.json) {
    io.out(`run ${runId}\n\n${itemsText(view)}\n`);
    return;
  }
  // Streamed: a row at a time, so --json on a large run stays flat in memory.
  io.out(`{"run":${runId},"total":${view.total},"items":[`);
  let first = true;
  for (const row of view.rows) {
    io.out((first ? "\n" : ",\n") + JSON.stringify(row));
    first = false;
  }
  io.out("\n]}\n");
}
