// The judges' part of a run summary on the terminal: each judge metric on its own scale with
// its unreadable and failed judgments, agreement with another scorer, pairwise tallies, and
// Bradley-Terry rankings.
import type { JudgeReport } from "./judge-summary.ts";
import type { SummaryResult } from "./summary.ts";
import { robustnessText } from "./robustness.ts";
import { columns } from "./table.ts";

const f = (x: number | null | undefined, digits = 3) => (x === null || x === undefined || Number.isNaN(x) ? "-" : x.toFixed(digits));
const interval = (ci: [number, number] | null, digits = 3) => (ci ? `[${f(ci[0], digits)}, ${f(ci[1], digits)}]` : "-");

/** Text blocks for the judges of a run; empty when it had none. */
export function judgeTables(results: SummaryResult[], report: JudgeReport, options: { width?: number } = {}): string {
  const blocks: string[] = [];
  const judged = results.filter((r) => r.judge);
  if (judged.length)
    blocks.push(
      `judges (mean on the rubric's scale; unreadable replies and failed calls are unscored)\n${columns(
        ["task", "model", "strategy", "metric", "scale", "mean", "95% CI", "judgments", "unreadable", "failed"],
        judged.map((r) => {
          const s = r.judge!.scale;
          return [
            r.task,
            r.model,
            r.strategy,
            r.metric,
            s ? `${s.lo}-${s.hi}` : "choices",
            s ? f(s.mean, 2) : f(r.value),
            s ? interval(s.ci, 2) : interval(r.ci),
            String(r.judge!.judgments),
            String(r.judge!.unreadable),
            String(r.judge!.failed),
          ];
        }),
        { rightAligned: [5, 7, 8, 9], rule: true, width: options.width },
      )}`,
    );
  if (report.agreements.length)
    blocks.push(
      `judge agreement (pooled over the task's trials; kappa interval resamples items)\n${columns(
        ["task", "judge", "with", "n", "agreement", "kappa", "95% CI"],
        report.agreements.map((a) => [a.task, a.judge, a.with, String(a.n), f(a.agreement), f(a.kappa), interval(a.ci)]),
        { rightAligned: [3, 4, 5], rule: true, width: options.width },
      )}`,
    );
  if (report.pairwise.length)
    blocks.push(
      `pairwise (inconsistent: the two orders disagreed, counted as a tie)\n${columns(
        ["task", "metric", "a", "b", "a wins", "b wins", "ties", "inconsistent", "unscored", "n", "consistency"],
        report.pairwise.map((p) => [
          p.task,
          p.metric,
          `${p.a.model} / ${p.a.strategy}`,
          `${p.b.model} / ${p.b.strategy}`,
          String(p.a_wins),
          String(p.b_wins),
          String(p.ties),
          String(p.inconsistent),
          String(p.unscored),
          String(p.n),
          f(p.consistency),
        ]),
        { rightAligned: [4, 5, 6, 7, 8, 9, 10], rule: true, width: options.width },
      )}`,
    );
  if (report.rankings.length)
    blocks.push(
      `rankings (Bradley-Terry, Elo scale, 95% bootstrap interval)\n${columns(
        ["task", "metric", "model", "strategy", "rating", "95% CI"],
        report.rankings.map((r) => [r.task, r.metric, r.model, r.strategy, f(r.rating, 1), interval(r.ci, 1)]),
        { rightAligned: [4], rule: true, width: options.width },
      )}`,
    );
  if (report.robustness) blocks.push(robustnessText(report.robustness));
  return blocks.join("\n\n");
}
