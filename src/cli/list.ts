// `assay list`: the tasks the registry finds, as a table or JSON.
import type { Command } from "commander";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { terminalSafe } from "../report/table.ts";
import { listTasks } from "../suite/list-tasks.ts";
import { bundledSuitesDir, loadRegistry } from "../suite/registry.ts";
import type { CliIo } from "./run.ts";

/** Add `assay list [selectors...]`. */
export function registerListCommand(program: Command, io: CliIo): void {
  program
    .command("list")
    .description("list tasks: suite, task id, items, strategies, scorers, tags")
    .argument("[selectors...]", "task id, suite id, suite/task, glob, or tag:NAME")
    .option("--suites <dir>", "suites directory (default ./suites, else the bundled suites)")
    .option("--json", "print JSON")
    .action(async (selectors: string[], flags: { suites?: string; json?: boolean }) => {
      const dir = flags.suites ?? (existsSync(resolve("suites")) ? "suites" : bundledSuitesDir);
      const registry = await loadRegistry(dir);
      const listing = listTasks(registry.select(selectors));
      if (flags.json) {
        io.out(JSON.stringify(listing, null, 2) + "\n");
        return;
      }
      const rows = listing.map((t) => [t.suite, t.task, String(t.items), t.strategies.join(","), t.scorers.join(","), t.tags.join(",")].map(terminalSafe));
      const header = ["suite", "task", "items", "strategies", "scorers", "tags"];
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
      const line = (cells: string[]) => cells.map((c, i) => (i === 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ").trimEnd();
      io.out([line(header), ...rows.map(line)].join("\n") + "\n");
    });
}
