// `assay run`: parses flags, calls runEval, prints the summary (table or JSON).
import type { Command } from "commander";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { UserError } from "../errors.ts";
import type { RunResult } from "../run/run-eval.ts";
import type { InferenceVariants } from "../report/variants.ts";
import type { Db } from "../store/db.ts";
import type { RunRow } from "../store/runs.ts";
import { countOf } from "../report/plural.ts";
import { judgeTables } from "../report/judge-tables.ts";
import { summaryTable } from "../report/table.ts";
import type { CliIo } from "./io.ts";
import { intOption, collect } from "./options.ts";

/** Add `assay run [selectors...]`. */
export function registerRunCommand(program: Command, io: CliIo): void {
  program
    .command("run")
    .description("run tasks with their strategies against models; score, store and summarise")
    .argument("[selectors...]", "task id, suite id, suite/task, glob (arith*), or tag:NAME; default all")
    .option(
      "-m, --model <spec>",
      "model: echo, replay:FILE.jsonl, local:PATH.gguf, local:demo, gemini:NAME, openai:NAME, or a named model (repeatable; default local:demo, or echo without it)",
      collect,
      [],
    )
    .option("--judge-model <spec>", "the model every judge uses instead of the one its suite names (a model spec or named model)")
    .option("--suites <dir>", "suites directory (default ./suites, else the bundled suites)")
    .option("--db <path>", "SQLite database", ".assay/assay.db")
    .option("--config <path>", "model config file (default assay.config.yaml when present)")
    .option("--seed <n>", "seed for every random choice (default 0; a resumed run keeps its own)", intOption("--seed"))
    .option("-c, --concurrency <n>", "concurrent calls per model", intOption("--concurrency"))
    .option("--limit <n>", "only the first N items of each task", intOption("--limit"))
    .option("--no-cache", "bypass the response cache")
    .option("--resume <runId>", "finish an interrupted run", intOption("--resume"))
    .option(
      "--shard <I/N>",
      "run only shard I of N (1-based; items split by a stable hash of suite, task and item key); join the shards with assay merge",
    )
    .option("--max-errors <n>", "errored trials tolerated before exit code 1", intOption("--max-errors"), 0)
    .option(
      "--reference <name>",
      "the model the others are compared with as inference variants (default: the config's reference:, else the first model)",
    )
    .option("--json", "print the summary as JSON on stdout")
    .action(async (selectors: string[], flags) => {
      // Checked before anything is written; a resumed run's models are known only from its store.
      if (flags.reference !== undefined && flags.model.length && !flags.model.includes(flags.reference))
        throw new UserError(`--reference ${flags.reference}: not one of the run's models (--model ${flags.model.join(", ")})`, {
          code: "E_OPTION",
        });
      const controller = new AbortController();
      const onSigint = () => {
        if (controller.signal.aborted) process.exit(130);
        io.err("\nstopping: finishing in-flight trials (Ctrl-C again to quit now)\n");
        controller.abort();
      };
      process.on("SIGINT", onSigint);
      // Loaded on use: `assay --version` and `assay list` never load the run loop and its backends.
      const [{ runEval }, { progressReporter }] = await Promise.all([import("../run/run-eval.ts"), import("./progress.ts")]);
      let result: RunResult;
      try {
        result = await runEval({
          select: selectors,
          models: flags.model,
          suitesDir: flags.suites,
          db: flags.db,
          config: flags.config,
          judgeModel: flags.judgeModel,
          seed: flags.seed,
          concurrency: flags.concurrency,
          limit: flags.limit,
          cache: flags.cache,
          resume: flags.resume,
          shard: flags.shard,
          // Warnings always reach stderr; progress only when it is not polluting a JSON pipe.
          reporter: progressReporter(process.stderr, { progress: !(flags.json && !process.stderr.isTTY) }),
          signal: controller.signal,
        });
      } finally {
        process.off("SIGINT", onSigint);
      }
      // Opened again only for runs of 2+ models, and read-write as the run was: the last connection
      // to close removes the WAL's -wal and -shm files, which a read-only one would leave behind.
      const variants =
        new Set(result.results.map((r) => r.model)).size >= 2 || flags.reference !== undefined
          ? await (await import("./read-store.ts")).withStore(result.db, async (db) => {
              const run = (await import("../store/runs.ts")).getRun(db, result.runId)!;
              return variantsSection(db, run, { reference: flags.reference, config: flags.config, io });
            })
          : null;
      if (flags.json) io.out(JSON.stringify({ ...runJson(result), variants }, null, 2) + "\n");
      else {
        io.out(
          `\nrun ${result.runId}${result.shard ? `, shard ${result.shard}` : ""} (${result.db})\n${summaryTable(result.results, { width: io.width })}\n`,
        );
        const judges = judgeTables(result.results, result.judges, { width: io.width });
        if (judges) io.out(`\n${judges}\n`);
        for (const u of result.usage) {
          const saved = u.promptTokens ? (100 * (1 - u.prefillTokens / u.promptTokens)).toFixed(1) : "0.0";
          io.out(
            `${u.model}: ${u.prefillTokens} of ${u.promptTokens} prompt tokens evaluated (${saved}% reused from the prefix cache), ${u.generatedTokens} generated\n`,
          );
        }
        if (variants) io.out(`\n${(await import("../report/variants-table.ts")).variantsText(variants, { width: io.width })}\n`);
      }
      if (result.interrupted) io.setExitCode(130);
      else if (result.errors > flags.maxErrors) {
        io.err(
          `${countOf(result.errors, "trial")} errored (more than --max-errors ${flags.maxErrors}); see: assay show ${result.runId} --items --failed\n`,
        );
        io.setExitCode(1);
      }
    });
}

/** The JSON shape of a run summary on stdout. */
export function runJson(result: Pick<RunResult, "runId" | "db" | "results" | "judges"> & { usage?: RunResult["usage"]; shard?: string }) {
  return {
    run: result.runId,
    ...(result.shard ? { shard: result.shard } : {}),
    db: result.db,
    usage: result.usage,
    results: result.results.map((r) => ({
      task: r.task,
      model: r.model,
      strategy: r.strategy,
      metric: r.metric,
      value: r.value,
      ci: r.ci,
      interval: r.interval,
      n: r.n,
      errors: r.errors,
      no_answer: r.noAnswer,
      unscored: r.unscored,
      corpus: r.corpus,
      ...(r.judge ? { judge: r.judge } : {}),
    })),
    agreements: result.judges.agreements,
    pairwise: result.judges.pairwise,
    rankings: result.judges.rankings,
    ...(result.judges.robustness ? { robustness: result.judges.robustness } : {}),
  };
}

/**
 * The inference-variants section of a stored run, or null when there is nothing to compare
 * (see showsVariants). The reference defaults to the config's `reference:` (the config given,
 * else the one the run recorded if it is still there, else assay.config.yaml here when the run
 * recorded none), then the run's first model. A config that cannot be read is a warning: the
 * run is stored and its report prints.
 */
export async function variantsSection(
  db: Db,
  run: RunRow,
  options: { reference?: string; config?: string; io: CliIo },
): Promise<InferenceVariants | null> {
  const { inferenceVariants, showsVariants } = await import("../report/variants.ts");
  if (!showsVariants(db, run.id, { reference: options.reference })) return null;
  let configReference: string | undefined;
  if (options.reference === undefined) {
    // Loaded only here: most runs and shows have nothing to compare and never read the config again.
    const [{ recordedCommand }, { loadConfig }] = await Promise.all([import("../store/runs.ts"), import("../provider/config.ts")]);
    const path = options.config ?? recordedCommand(run).config;
    try {
      const cwd = process.cwd();
      if (path === undefined || existsSync(resolve(cwd, path))) configReference = (await loadConfig({ cwd, path })).reference;
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      options.io.err(`warning: the config's reference: was not read (${error.message.split("\n")[0]}); comparing with the first model\n`);
    }
  }
  return inferenceVariants(db, run.id, { reference: options.reference, configReference });
}
