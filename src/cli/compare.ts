// `assay compare A B`: paired comparison of two stored runs (or of two strategies/models of one).
import type { Command } from "commander";
import { existsSync } from "node:fs";
import { UserError } from "../errors.ts";
import { compareRuns, type ComparisonRow } from "../report/compare.ts";
import { columns } from "../report/table.ts";
import { openStore } from "../store/db.ts";
import { intOption } from "./options.ts";
import type { CliIo } from "./run.ts";

/** Add `assay compare <runA> <runB>`. */
export function registerCompareCommand(program: Command, io: CliIo): void {
  program
    .command("compare")
    .description("paired comparison of run B against run A on shared items (McNemar, paired bootstrap); differences are B - A")
    .argument("<runA>", "baseline run id", intOption("runA"))
    .argument("<runB>", "candidate run id (may equal runA with --a-strategy/--b-strategy or --a-model/--b-model)", intOption("runB"))
    .option("--a-model <spec>", "only this model on side A")
    .option("--b-model <spec>", "only this model on side B")
    .option("--a-strategy <label>", "only this strategy on side A")
    .option("--b-strategy <label>", "only this strategy on side B")
    .option("--seed <n>", "bootstrap seed", intOption("--seed"), 0)
    .option("--db <path>", "SQLite database", ".assay/assay.db")
    .option("--json", "print JSON")
    .action((runA: number, runB: number, flags) => {
      if (!existsSync(flags.db)) throw new UserError("database not found", { location: flags.db, code: "E_DB" });
      const db = openStore(flags.db);
      try {
        const rows = compareRuns(db, { run: runA, model: flags.aModel, strategy: flags.aStrategy }, { run: runB, model: flags.bModel, strategy: flags.bStrategy }, { seed: flags.seed });
        io.out(flags.json ? JSON.stringify(rows, null, 2) + "\n" : comparisonTable(rows) + "\n");
      } finally {
        db.close();
      }
    });
}

function comparisonTable(rows: ComparisonRow[]): string {
  const f = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : "-");
  const header = ["task", "metric", "A", "B", "A value", "B value", "B - A", "95% CI", "p", "test", "n", "MDE"];
  const body = rows.map((r) => [
    r.task,
    r.metric,
    `${r.a.model} ${r.a.strategy}`,
    `${r.b.model} ${r.b.strategy}`,
    f(r.a.value),
    f(r.b.value),
    (r.difference >= 0 ? "+" : "") + f(r.difference),
    `[${f(r.ci[0])}, ${f(r.ci[1])}]`,
    r.pValue < 0.001 ? "<0.001" : r.pValue.toFixed(3),
    r.test,
    String(r.n),
    f(r.minimumDetectableEffect),
  ]);
  return columns(header, body);
}
