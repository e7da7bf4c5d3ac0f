// `assay list`: the tasks the registry finds, as a table or JSON.
import type { Command } from "commander";
import { columns, terminalSafe } from "../report/table.ts";
import type { CliIo } from "./io.ts";

/** Add `assay list [selectors...]`. */
export function registerListCommand(program: Command, io: CliIo): void {
  program
    .command("list")
    .description("list tasks: suite, task id, items, strategies, scorers, tags")
    .argument("[selectors...]", "task id, suite id, suite/task, glob, or tag:NAME")
    .option("--suites <dir>", "suites directory (default ./suites, else the bundled suites)")
    .option("--json", "print JSON")
    .action(async (selectors: string[], flags: { suites?: string; json?: boolean }) => {
      const [{ listTasks }, { defaultSuitesDir, loadRegistry }] = await Promise.all([
        import("../suite/list-tasks.ts"),
        import("../suite/registry.ts"),
      ]);
      const dir = flags.suites ?? defaultSuitesDir();
      const registry = await loadRegistry(dir);
      // Listing is how suites get checked: broken files are reported, never hide the valid tasks.
      const { tasks, errors, warnings } = registry.resolve(selectors);
      for (const problem of [...errors, ...warnings]) io.err(`warning: ${problem.split("\n").map(terminalSafe).join("\n")}\n`);
      const listing = listTasks(tasks);
      if (flags.json) {
        io.out(JSON.stringify(listing, null, 2) + "\n");
        return;
      }
      const rows = listing.map((t) => [t.suite, t.task, String(t.items), t.strategies.join(","), t.scorers.join(","), t.tags.join(",")]);
      io.out(columns(["suite", "task", "items", "strategies", "scorers", "tags"], rows, { rightAligned: [2], width: io.width }) + "\n");
    });
}
