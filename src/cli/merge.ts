// `assay merge --out ALL.db A.db B.db ...`: parses flags, calls mergeShards, prints what it did.
import type { Command } from "commander";
import type { CliIo } from "./io.ts";

/** Add `assay merge`. */
export function registerMergeCommand(program: Command, io: CliIo): void {
  program
    .command("merge")
    .description("join the shards of one run (assay run --shard I/N, one store each) into one run in --out")
    .argument("<shards...>", "shard databases (the newest sharded run of each is taken)")
    .requiredOption("--out <path>", "the database to write the merged run into (created when missing)")
    .option("--json", "print JSON")
    .action(async (inputs: string[], flags: { out: string; json?: boolean }) => {
      const { mergeShards } = await import("../merge/merge-runs.ts");
      const result = mergeShards({ out: flags.out, inputs });
      if (flags.json)
        io.out(
          `${JSON.stringify({ run: result.runId, db: result.db, shards: result.shards, trials: result.trials, created: result.created }, null, 2)}\n`,
        );
      else
        io.out(
          result.created
            ? `merged ${result.shards} shards (${result.trials} trials) into run ${result.runId} (${result.db}); see: assay show ${result.runId} --db ${flags.out}\n`
            : `already merged: run ${result.runId} (${result.db}) holds these ${result.shards} shards; nothing written\n`,
        );
    });
}
