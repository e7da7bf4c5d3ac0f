// `assay compare A B`: paired comparison of two stored runs (or of two strategies/models of one).
import type { Command } from "commander";
import type { ComparisonRow } from "../report/compare.ts";
import { columns, terminalSafe } from "../report/table.ts";
import type { CliIo } from "./io.ts";
import { intOption } from "./options.ts";

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
    .action(async (runA: number, runB: number, flags) => {
      const [{ compareRuns }, { withReadOnlyStore }] = await Promise.all([import("../report/compare.ts"), import("./read-store.ts")]);
      await withReadOnlyStore(flags.db, (db) => {
        const rows = compareRuns(
          db,
          { run: runA, model: flags.aModel, strategy: flags.aStrategy },
          { run: runB, model: flags.bModel, strategy: flags.bStrategy },
          { seed: flags.seed },
        );
        io.out(flags.json ? JSON.stringify(rows, null, 2) + "\n" : comparisonTable(rows, runA, runB, { width: io.width }) + "\n");
      });
    });
}

/** Short test names keep rows narrow; a legend line spells out the ones used. */
const TEST_SHORT: Record<ComparisonRow["test"], string> = {
  "mcnemar-exact": "exact",
  "mcnemar-chi2": "chi2",
  "paired-bootstrap": "boot",
  "paired-permutation": "perm",
  "paired-t": "t",
};
const TEST_NAME: Record<ComparisonRow["test"], string> = {
  "mcnemar-exact": "McNemar exact binomial",
  "mcnemar-chi2": "McNemar chi-square",
  "paired-bootstrap": "paired bootstrap",
  "paired-permutation": "exact paired randomization (few items), bootstrap interval",
  "paired-t": "paired t",
};

/**
 * The comparison as text: one line per side naming its run (and its model and strategy when
 * every row shares them), then narrow rows (a model or strategy column only when it varies),
 * then the cells with unscored items.
 */
export function comparisonTable(rows: ComparisonRow[], runA: number, runB: number, options: { width?: number } = {}): string {
  const f = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : "-");
  // Infinity: no difference of proportions (at most 1) can be detected with so few items.
  const mde = (x: number) => (x === Infinity ? ">1" : f(x));
  const same = (values: string[]) => values.every((v) => v === values[0]);
  const fixed = {
    aModel: same(rows.map((r) => r.a.model)),
    bModel: same(rows.map((r) => r.b.model)),
    aStrategy: same(rows.map((r) => r.a.strategy)),
    bStrategy: same(rows.map((r) => r.b.strategy)),
  };
  const sideLine = (label: string, run: number, model: string | undefined, strategy: string | undefined) =>
    terminalSafe(`${label}: run ${run}${model !== undefined ? `  ${model}` : ""}${strategy !== undefined ? `  ${strategy}` : ""}`);
  const lines = [
    sideLine("A", runA, fixed.aModel ? rows[0].a.model : undefined, fixed.aStrategy ? rows[0].a.strategy : undefined),
    sideLine("B", runB, fixed.bModel ? rows[0].b.model : undefined, fixed.bStrategy ? rows[0].b.strategy : undefined),
  ];
  // Cells pair on the model and strategy unless a side fixes them, so a varying one is equal on both sides.
  const modelColumn = !(fixed.aModel && fixed.bModel);
  const strategyColumn = !(fixed.aStrategy && fixed.bStrategy);
  const header = [
    "task",
    ...(modelColumn ? ["model"] : []),
    ...(strategyColumn ? ["strategy"] : []),
    "metric",
    "A",
    "B",
    "B - A",
    "95% CI",
    "p",
    "test",
    "n",
    "MDE",
  ];
  const pick = (a: string, b: string) => (a === b ? a : `${a} / ${b}`);
  const key = (r: ComparisonRow) => [
    r.task,
    ...(modelColumn ? [pick(r.a.model, r.b.model)] : []),
    ...(strategyColumn ? [pick(r.a.strategy, r.b.strategy)] : []),
    r.metric,
  ];
  const body = rows.map((r) => [
    ...key(r),
    f(r.a.value),
    f(r.b.value),
    (r.difference >= 0 ? "+" : "") + f(r.difference),
    `[${f(r.ci[0])}, ${f(r.ci[1])}]`,
    Number.isNaN(r.pValue) ? "-" : r.pValue < 0.001 ? "<0.001" : r.pValue.toFixed(3),
    TEST_SHORT[r.test],
    String(r.n),
    mde(r.minimumDetectableEffect),
  ]);
  const first = 2 + Number(modelColumn) + Number(strategyColumn); // the A column
  lines.push(columns(header, body, { rightAligned: [first, first + 1, first + 2, first + 4, first + 6, first + 7], width: options.width }));
  const used = new Set(rows.map((r) => r.test));
  lines.push(
    `test: ${(Object.keys(TEST_SHORT) as ComparisonRow["test"][])
      .filter((t) => used.has(t))
      .map((t) => `${TEST_SHORT[t]} = ${TEST_NAME[t]}`)
      .join("; ")}`,
  );
  for (const r of rows) {
    if (r.a.unscored > 0 || r.b.unscored > 0)
      lines.push(terminalSafe(`unscored (left out): ${key(r).join(" ")}: A ${r.a.unscored}, B ${r.b.unscored}`));
  }
  return lines.join("\n");
}
