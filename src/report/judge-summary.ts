// What a run's judges add to its summary: each judge metric's mean on the rubric's own scale
// and how many of its judgments could not be read or failed, and a judge's agreement with
// another scorer of the task (e.g. exact match, the truth for arithmetic), pooled over the
// task's trials, with a bootstrap interval that resamples items.
import { cohenKappa } from "../stats/agreement.ts";
import { bootstrapStatistic } from "../stats/bootstrap.ts";
import { type Db, schemaVersion } from "../store/db.ts";
import { judgeKinds, judgmentCounts, pairedScorerValues, runJudgeScorers } from "../store/judgments.ts";
import { type PairwiseRow, pairwiseSummary, type RankingRow } from "./pairwise-summary.ts";
import { judgeRobustness, type Robustness } from "./robustness.ts";

/** A judge metric's extras in a summary row. */
export interface JudgeDetails {
  /** The mean (and interval) on the rubric's own scale, for a scale judge. */
  scale?: { lo: number; hi: number; mean: number | null; ci: [number, number] | null };
  /** Judge calls made (samples included), those whose reply could not be read, and those that failed after retries. */
  judgments: number;
  unreadable: number;
  failed: number;
}

/** A judge's agreement with another scorer of its task, over every trial both scored. */
export interface JudgeAgreement {
  task: string;
  judge: string;
  with: string;
  n: number;
  agreement: number | null;
  kappa: number | null;
  ci: [number, number] | null;
}

interface StoredJudge {
  name: string;
  args: { scale?: [number, number]; choices?: Record<string, number>; agreement_with?: string };
}

/** The extras of each judge metric's summary rows, keyed `modelId/strategyId/scorerId`; and the judges by scorer id. */
export function judgeExtras(
  db: Db,
  runId: number,
): { counts: ReturnType<typeof judgmentCounts>; judges: Map<number, StoredJudge["args"]> } {
  const judges = new Map<number, StoredJudge["args"]>();
  for (const j of runJudgeScorers(db, runId)) judges.set(j.scorerId, (JSON.parse(j.args) as StoredJudge).args ?? {});
  return { counts: judges.size ? judgmentCounts(db, runId) : new Map(), judges };
}

/** The details of one judge metric's row, from its normalised value and interval. */
export function judgeDetails(
  args: StoredJudge["args"],
  counts: { judgments: number; unreadable: number; failed: number } | undefined,
  value: number | null,
  ci: [number, number] | null,
): JudgeDetails {
  const details: JudgeDetails = { judgments: counts?.judgments ?? 0, unreadable: counts?.unreadable ?? 0, failed: counts?.failed ?? 0 };
  const scale = args.choices ? undefined : (args.scale ?? [1, 5]);
  if (scale) {
    const [lo, hi] = scale;
    const onScale = (x: number) => lo + x * (hi - lo);
    details.scale = { lo, hi, mean: value === null ? null : onScale(value), ci: ci ? [onScale(ci[0]), onScale(ci[1])] : null };
  }
  return details;
}

/** Every judge with `agreement_with`: its agreement and Cohen's kappa with that scorer, pooled over the task's trials. */
export function judgeAgreements(
  db: Db,
  runId: number,
  options: { seed?: number; iterations?: number; confidence?: number } = {},
): JudgeAgreement[] {
  const out: JudgeAgreement[] = [];
  for (const j of runJudgeScorers(db, runId)) {
    const other = (JSON.parse(j.args) as StoredJudge).args?.agreement_with;
    if (!other) continue;
    const pairs = pairedScorerValues(db, j.taskId, j.name, other);
    // Categories are the values as stored (a choice judge's 0/1 against a pass/fail metric), to 6 decimals.
    const label = (x: number) => Math.round(x * 1e6) / 1e6;
    const stats = (ps: { a: number; b: number }[]) => ({
      agreement: ps.filter((p) => label(p.a) === label(p.b)).length / ps.length,
      kappa: cohenKappa(
        ps.map((p) => label(p.a)),
        ps.map((p) => label(p.b)),
      ),
    });
    const row: JudgeAgreement = { task: j.task, judge: j.name, with: other, n: pairs.length, agreement: null, kappa: null, ci: null };
    if (pairs.length) {
      const s = stats(pairs);
      row.agreement = s.agreement;
      row.kappa = Number.isFinite(s.kappa) ? s.kappa : null;
      // Resample items (an item's trials under several strategies and models move together).
      const byItem = new Map<number, { a: number; b: number }[]>();
      for (const p of pairs) byItem.set(p.item, [...(byItem.get(p.item) ?? []), p]);
      const groups = [...byItem.values()];
      if (groups.length >= 2 && row.kappa !== null) {
        const boot = bootstrapStatistic(groups, (sample) => stats(sample.flat()).kappa, {
          seed: options.seed ?? 0,
          iterations: options.iterations ?? 1000,
          confidence: options.confidence ?? 0.95,
        });
        row.ci = Number.isFinite(boot.interval[0]) && Number.isFinite(boot.interval[1]) ? boot.interval : null;
      }
    }
    out.push(row);
  }
  return out;
}

/** What judges add to a run's report besides their summary rows. */
export interface JudgeReport {
  agreements: JudgeAgreement[];
  pairwise: PairwiseRow[];
  rankings: RankingRow[];
  /** The judge-robustness figures, when the run judged probe items (suites/judge-robustness). */
  robustness?: Robustness;
}

/** The schema that added judges, judgments and pair_judgments (004-judgments.sql). */
const judgesSchema = 4;

/** The judge agreements, pairwise tallies and rankings of a run. */
export function judgeReport(db: Db, runId: number, options: { seed?: number } = {}): JudgeReport {
  // A store from before schema 4 has no judges (read as it is: readers never upgrade it).
  if (schemaVersion(db) < judgesSchema) return { agreements: [], pairwise: [], rankings: [] };
  // Most runs have no judge: then there is nothing to scan the scores for.
  const kinds = judgeKinds(db, runId);
  if (!kinds.judge && !kinds.pairwise) return { agreements: [], pairwise: [], rankings: [] };
  return {
    agreements: judgeAgreements(db, runId, options),
    ...pairwiseSummary(db, runId, options),
    robustness: judgeRobustness(db, runId),
  };
}
