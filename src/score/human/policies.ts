// Which outputs a queue takes and in what order: all (shuffled), a random sample, those where a
// judge and a metric disagree, or those whose judge samples spread most. Every order is seeded.
import { UserError } from "../../errors.ts";
import { hashSeed, seededRandom } from "../../stats/random.ts";
import type { ReviewUnit } from "./units.ts";

export type QueuePolicy = "all" | "random" | "disagreement" | "uncertain";

/** What the policies read from the run besides the units. */
export interface PolicyData {
  /** Scores by trial: judge scores normalised to [0, 1] as stored; metric scores as stored. */
  scores: { trialId: number; taskId: number; scorer: string; judge: number; binary: number; value: number | null }[];
  /** Readable judge samples by trial, in sample order. */
  samples: { trialId: number; scorer: string; score: number; distribution: string | null }[];
}

/** The units a policy picks, in queue order, at most `limit`. */
export function applyPolicy(
  units: ReviewUnit[],
  policy: QueuePolicy,
  options: { seed: string; limit?: number; pairwise: boolean; data: () => PolicyData },
): ReviewUnit[] {
  const random = seededRandom(hashSeed(options.seed, "policy", policy));
  const cut = (list: ReviewUnit[]) => (options.limit === undefined ? list : list.slice(0, options.limit));
  if (options.pairwise && (policy === "disagreement" || policy === "uncertain"))
    throw new UserError(`--policy ${policy} picks single outputs; a pairwise queue takes --policy all or random`, { code: "E_POLICY" });
  switch (policy) {
    case "all":
      return cut(random.shuffle(units));
    case "random":
      if (options.limit === undefined) throw new UserError(`--policy random samples --limit N outputs: give --limit`, { code: "E_POLICY" });
      return random.sample(units, Math.min(options.limit, units.length));
    case "disagreement":
      return cut(random.shuffle(disagreements(units, options.data())));
    case "uncertain":
      return cut(byUncertainty(units, options.data(), random.shuffle(units.map((_, i) => i))));
  }
}

/**
 * Outputs on which a judge and a pass/fail metric of the same task disagree: the judge's stored
 * value (normalised to [0, 1]) passes at >= 0.5, the metric's at 1.
 */
function disagreements(units: ReviewUnit[], data: PolicyData): ReviewUnit[] {
  const judges = new Map<number, number[]>();
  const metrics = new Map<number, number[]>();
  let anyJudge = false;
  let anyMetric = false;
  const trials = new Set(units.map((u) => u.a.trialId));
  for (const s of data.scores) {
    if (!trials.has(s.trialId)) continue;
    if (s.judge) anyJudge = true;
    else if (s.binary) anyMetric = true;
    if (s.value === null || (!s.judge && !s.binary)) continue;
    const map = s.judge ? judges : metrics;
    const list = map.get(s.trialId);
    if (list) list.push(s.value);
    else map.set(s.trialId, [s.value]);
  }
  if (!anyJudge)
    throw new UserError(`--policy disagreement needs a judge scorer on the selected outputs; none has one`, { code: "E_POLICY" });
  if (!anyMetric)
    throw new UserError(`--policy disagreement needs a pass/fail metric (e.g. exact-match) beside the judge; the selection has none`, {
      code: "E_POLICY",
    });
  return units.filter((u) => {
    const j = judges.get(u.a.trialId) ?? [];
    const m = metrics.get(u.a.trialId) ?? [];
    return j.some((jv) => m.some((mv) => jv >= 0.5 !== mv >= 0.5));
  });
}

/**
 * Outputs with judge samples, most uncertain first: the population standard deviation of the
 * samples' scores (numpy.std's default, ddof=0) or, for a single sample with a verdict
 * distribution, 1 - its largest probability; the larger over several judges. Ties keep the
 * seeded order `tieOrder`.
 */
function byUncertainty(units: ReviewUnit[], data: PolicyData, tieOrder: number[]): ReviewUnit[] {
  const byTrial = new Map<number, Map<string, { scores: number[]; distribution: string | null }>>();
  for (const s of data.samples) {
    let judges = byTrial.get(s.trialId);
    if (!judges) {
      judges = new Map();
      byTrial.set(s.trialId, judges);
    }
    const entry = judges.get(s.scorer);
    if (entry) entry.scores.push(s.score);
    else judges.set(s.scorer, { scores: [s.score], distribution: s.distribution });
  }
  const spread = new Map<number, number>();
  for (const [trial, judges] of byTrial) {
    let best = 0;
    for (const { scores, distribution } of judges.values()) best = Math.max(best, spreadOf(scores, distribution));
    spread.set(trial, best);
  }
  const ranked = tieOrder.filter((i) => spread.has(units[i].a.trialId));
  if (ranked.length === 0)
    throw new UserError(`--policy uncertain needs judge samples on the selected outputs; none has one`, { code: "E_POLICY" });
  const rank = new Map(tieOrder.map((unit, at) => [unit, at]));
  ranked.sort((x, y) => spread.get(units[y].a.trialId)! - spread.get(units[x].a.trialId)! || rank.get(x)! - rank.get(y)!);
  return ranked.map((i) => units[i]);
}

/** A judge's spread on one output (see byUncertainty). */
export function spreadOf(scores: number[], distribution: string | null): number {
  if (scores.length === 1) {
    if (!distribution) return 0;
    const probabilities = Object.values(JSON.parse(distribution) as Record<string, number>);
    return probabilities.length ? 1 - Math.max(...probabilities) : 0;
  }
  const mean = scores.reduce((s, x) => s + x, 0) / scores.length;
  return Math.sqrt(scores.reduce((s, x) => s + (x - mean) ** 2, 0) / scores.length);
}
