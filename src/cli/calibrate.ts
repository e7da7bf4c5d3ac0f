// `assay calibrate --run RUN --scorer LABEL --labels FILE`: a stored judge's agreement with human
// labels, with intervals, its confusion matrix, and the humans' agreement with each other.
import type { Command } from "commander";
import type { AgreementFigures } from "../score/autorater/calibrate.ts";
import type { RunCalibration } from "../score/autorater/calibrate-run.ts";
import { columns, terminalSafe } from "../report/table.ts";
import type { CliIo } from "./io.ts";
import { intOption } from "./options.ts";

/** Add `assay calibrate`. */
export function registerCalibrateCommand(program: Command, io: CliIo): void {
  program
    .command("calibrate")
    .description("agreement of a stored judge (or any scorer) with human labels: kappa, alpha, rank correlations, the human ceiling")
    .requiredOption("--run <id>", "run id", intOption("--run"))
    .requiredOption("--scorer <label>", "the scorer's label, as results name the metric")
    .requiredOption("--labels <file>", 'human labels, JSONL: {"task", "item", "model"?, "strategy"?, "rater", "score"} a line')
    .option("--seed <n>", "bootstrap seed", intOption("--seed"), 0)
    .option("--resamples <n>", "bootstrap resamples", intOption("--resamples"), 2000)
    .option("--db <path>", "SQLite database", ".assay/assay.db")
    .option("--json", "print JSON")
    .action(async (flags: { run: number; scorer: string; labels: string; seed: number; resamples: number; db: string; json?: boolean }) => {
      const [{ calibrateRun }, { withReadOnlyStore }] = await Promise.all([
        import("../score/autorater/calibrate-run.ts"),
        import("./read-store.ts"),
      ]);
      await withReadOnlyStore(flags.db, (db) => {
        const result = calibrateRun(db, {
          run: flags.run,
          scorer: flags.scorer,
          labels: flags.labels,
          seed: flags.seed,
          resamples: flags.resamples,
        });
        io.out(flags.json ? JSON.stringify(result, null, 2) + "\n" : calibrationText(result, { width: io.width }) + "\n");
      });
    });
}

const f = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : "-");
const interval = ([lo, hi]: [number, number]) => (Number.isFinite(lo) && Number.isFinite(hi) ? `[${f(lo)}, ${f(hi)}]` : "-");

/** The figures (judge vs humans, and humans vs humans when there are repeats), the confusion matrices, and how they were computed. */
export function calibrationText(r: RunCalibration, options: { width?: number } = {}): string {
  const c = r.human_ceiling;
  const lines = [
    terminalSafe(
      `run ${r.run}, scorer ${r.scorer} (scale: ${r.scale}): ${r.n} judge-human rating pairs on ${r.units} outputs of ${r.items} items`,
    ),
  ];
  if (r.unscored > 0) lines.push(`${r.unscored} labelled outputs the judge left unscored (not in n)`);
  const rows: [string, (x: AgreementFigures) => [number, [number, number]]][] = [
    ["agreement", (x) => [x.agreement, x.ci.agreement]],
    ["kappa", (x) => [x.kappa.unweighted, x.ci.kappa.unweighted]],
    ["kappa (linear)", (x) => [x.kappa.linear, x.ci.kappa.linear]],
    ["kappa (quadratic)", (x) => [x.kappa.quadratic, x.ci.kappa.quadratic]],
    ["alpha (ordinal)", (x) => [x.alpha, x.ci.alpha]],
    ["spearman", (x) => [x.spearman, x.ci.spearman]],
    ["kendall tau-b", (x) => [x.kendall, x.ci.kendall]],
  ];
  const cells = (x: AgreementFigures, pick: (x: AgreementFigures) => [number, [number, number]]) => {
    const [value, ci] = pick(x);
    return [f(value), interval(ci)];
  };
  const header = ["figure", "judge vs humans", "95% CI", ...(c ? ["humans vs humans", "95% CI"] : [])];
  const body = rows.map(([name, pick]) => [name, ...cells(r, pick), ...(c ? cells(c, pick) : [])]);
  body.push(["pairs", String(r.n), "", ...(c ? [String(c.n), ""] : [])]);
  lines.push("", columns(header, body, { rightAligned: c ? [1, 3] : [1], width: options.width }));
  lines.push("", "confusion (rows: judge, columns: human)", confusionText(r.confusion));
  if (c) lines.push("", "confusion between humans (rows: the rater first in name order)", confusionText(c.confusion));
  else lines.push("", "human ceiling: no output has two human ratings");
  lines.push("", `intervals: ${Math.round(r.confidence * 100)}% percentile bootstrap over items, ${r.resamples} resamples, seed ${r.seed}`);
  return lines.join("\n");
}

function confusionText(confusion: AgreementFigures["confusion"]): string {
  const labels = confusion.labels.map(String);
  return columns(
    ["", ...labels],
    confusion.matrix.map((row, i) => [labels[i], ...row.map(String)]),
    { rightAligned: labels.map((_, i) => i + 1) },
  );
}
