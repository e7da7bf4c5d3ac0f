// Rankings from pairwise judgments (autorater or human A/B preferences): Bradley-Terry maximum
// likelihood on an Elo-like scale, with seeded bootstrap intervals.
import { UserError } from "../errors.ts";
import type { Interval } from "./intervals.ts";
import { quantileSorted } from "./bootstrap.ts";
import { seededRandom } from "./random.ts";

/** One pairwise judgment between models `a` and `b`. */
export interface PairwiseJudgment {
  a: string;
  b: string;
  winner: "a" | "b" | "tie";
}

/** Options for the Bradley-Terry fit. */
export interface BradleyTerryOptions {
  /** Model whose rating is pinned to `anchorRating`; default: none, the mean rating is `anchorRating`. */
  anchor?: string;
  /** Default 1000. */
  anchorRating?: number;
  /**
   * Virtual ties added between every pair of models (a symmetric prior that keeps the estimate finite
   * when a model won or lost everything). Default 0: the pure maximum-likelihood estimate.
   */
  prior?: number;
  /** Newton iterations cap (default 200). */
  maxIterations?: number;
}

/** A fitted Bradley-Terry model. */
export interface BradleyTerryFit {
  /** Model names, sorted by code unit order. */
  models: string[];
  /** Elo-like ratings: anchorRating + 400 / ln(10) * (theta - reference). */
  ratings: Record<string, number>;
  /** Natural-log strengths theta, normalised to mean 0 (or 0 at the anchor). */
  logStrengths: Record<string, number>;
  /** Log-likelihood at the optimum (ties as half a win each, virtual prior ties included). */
  logLikelihood: number;
  iterations: number;
}

/** The Elo-scale factor 400 / ln(10): a 400-point gap is 10:1 odds. */
export const ELO_SCALE = 400 / Math.LN10;

interface Tally {
  models: string[];
  /** wins[i][j]: win credit of i over j (ties count 1/2 to each, plus prior/2 each way). */
  wins: number[][];
}

function tally(judgments: readonly PairwiseJudgment[], prior: number, models?: string[]): Tally {
  const names = models ?? [...new Set(judgments.flatMap((j) => [j.a, j.b]))].sort();
  const index = new Map(names.map((m, i) => [m, i]));
  const k = names.length;
  const wins = Array.from({ length: k }, () => new Array<number>(k).fill(prior / 2));
  for (let i = 0; i < k; i++) wins[i][i] = 0;
  for (const j of judgments) {
    const a = index.get(j.a)!;
    const b = index.get(j.b)!;
    if (a === b) throw new UserError(`pairwise judgment compares "${j.a}" with itself`);
    if (j.winner === "a") wins[a][b] += 1;
    else if (j.winner === "b") wins[b][a] += 1;
    else if (j.winner === "tie") {
      wins[a][b] += 0.5;
      wins[b][a] += 0.5;
    } else throw new UserError(`pairwise judgment has winner "${String(j.winner)}"; expected "a", "b" or "tie"`);
  }
  return { models: names, wins };
}

/** True when the MLE exists: the "has win credit over" graph is strongly connected (Zermelo 1929; Ford 1957). */
function mleExists(wins: number[][]): boolean {
  const k = wins.length;
  const reach = (forward: boolean): boolean => {
    const seen = new Array<boolean>(k).fill(false);
    const stack = [0];
    seen[0] = true;
    while (stack.length) {
      const i = stack.pop()!;
      for (let j = 0; j < k; j++) {
        if (!seen[j] && (forward ? wins[i][j] : wins[j][i]) > 0) {
          seen[j] = true;
          stack.push(j);
        }
      }
    }
    return seen.every(Boolean);
  };
  return k <= 1 || (reach(true) && reach(false));
}

function logLikelihood(wins: number[][], theta: number[]): number {
  let ll = 0;
  for (let i = 0; i < theta.length; i++) {
    for (let j = 0; j < theta.length; j++) {
      // log sigma(theta_i - theta_j), computed without overflow.
      if (wins[i][j] > 0) ll -= wins[i][j] * softplus(theta[j] - theta[i]);
    }
  }
  return ll;
}

function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** Solves A x = b by Gaussian elimination with partial pivoting (A is small: models minus one). */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    [M[c], M[p]] = [M[p], M[c]];
    for (let r = c + 1; r < n; r++) {
      const f = M[r][c] / M[c][c];
      for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r][n];
    for (let k = r + 1; k < n; k++) s -= M[r][k] * x[k];
    x[r] = s / M[r][r];
  }
  return x;
}

/**
 * Newton's method on the concave log-likelihood sum_ij w_ij log sigma(theta_i - theta_j) with
 * theta_0 = 0 fixed, step-halving when the likelihood would drop; stops when a step moves no theta
 * by more than 1e-13.
 */
function fitTheta(wins: number[][], maxIterations: number): { theta: number[]; iterations: number } {
  const k = wins.length;
  let theta = new Array<number>(k).fill(0);
  let ll = logLikelihood(wins, theta);
  let iterations = 0;
  for (; iterations < maxIterations && k > 1; iterations++) {
    const grad = new Array<number>(k).fill(0);
    const info = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        if (i === j) continue;
        const games = wins[i][j] + wins[j][i];
        if (games === 0) continue;
        const p = 1 / (1 + Math.exp(theta[j] - theta[i]));
        grad[i] += wins[i][j] - games * p;
        const w = games * p * (1 - p);
        info[i][i] += w;
        info[i][j] -= w;
      }
    }
    const step = [
      0,
      ...solve(
        info.slice(1).map((row) => row.slice(1)),
        grad.slice(1),
      ),
    ];
    let scale = 1;
    let next = theta.map((t, i) => t + step[i]);
    let nextLl = logLikelihood(wins, next);
    while (nextLl < ll - 1e-12 * Math.abs(ll) && scale > 1e-10) {
      scale /= 2;
      next = theta.map((t, i) => t + scale * step[i]);
      nextLl = logLikelihood(wins, next);
    }
    const moved = Math.max(...step.map((s) => Math.abs(s * scale)));
    theta = next;
    ll = nextLl;
    if (moved < 1e-13) {
      iterations++;
      break;
    }
  }
  return { theta, iterations };
}

/**
 * Bradley-Terry maximum likelihood (Bradley & Terry 1952; Hunter 2004): P(i beats j) =
 * p_i / (p_i + p_j), ties counted as half a win for each side. Ratings are on the Elo scale
 * 400 / ln(10) * ln p, shifted so the mean rating is `anchorRating` (1000), or so `anchor` has it.
 * Throws a UserError when the MLE does not exist (some group of models never won against the rest)
 * and no `prior` was given.
 * Example: `bradleyTerry([{ a: "gpt", b: "llama", winner: "a" }, ...]).ratings.gpt`.
 */
export function bradleyTerry(judgments: readonly PairwiseJudgment[], options: BradleyTerryOptions = {}): BradleyTerryFit {
  return fitTally(tally(judgments, options.prior ?? 0), options);
}

function fitTally({ models, wins }: Tally, options: BradleyTerryOptions): BradleyTerryFit {
  if (!mleExists(wins)) {
    throw new UserError(
      "Bradley-Terry has no finite maximum-likelihood fit: some models won (or lost) every comparison against the rest, or were never compared with them; add judgments or set a prior",
      { code: "E_BRADLEY_TERRY_NO_MLE" },
    );
  }
  const { theta, iterations } = fitTheta(wins, options.maxIterations ?? 200);
  let reference = 0;
  if (options.anchor !== undefined) {
    const a = models.indexOf(options.anchor);
    if (a < 0) throw new UserError(`anchor model "${options.anchor}" has no judgments`);
    reference = theta[a];
  } else {
    for (const t of theta) reference += t;
    reference /= theta.length;
  }
  const base = options.anchorRating ?? 1000;
  const ratings: Record<string, number> = {};
  const logStrengths: Record<string, number> = {};
  models.forEach((m, i) => {
    logStrengths[m] = theta[i] - reference;
    ratings[m] = base + ELO_SCALE * (theta[i] - reference);
  });
  return { models, ratings, logStrengths, logLikelihood: logLikelihood(wins, theta), iterations };
}

/** Options for bootstrap intervals on Bradley-Terry ratings. */
export interface BradleyTerryBootstrapOptions extends BradleyTerryOptions {
  seed: number | string;
  /** Default 1000. */
  iterations?: number;
  /** Default 0.95. */
  confidence?: number;
}

/** The fit on all judgments plus percentile intervals per model. */
export interface BradleyTerryBootstrap {
  fit: BradleyTerryFit;
  intervals: Record<string, Interval>;
  /** Resamples without a finite MLE (a model swept all its drawn games); left out of the intervals. */
  skipped: number;
  iterations: number;
}

/**
 * Percentile bootstrap over judgments (resampled with replacement, seeded): refit each resample with
 * the same options and take the rating quantiles per model (numpy.percentile's linear rule). Resamples
 * with no finite MLE are skipped and counted; set `prior` to avoid them.
 */
export function bradleyTerryBootstrap(
  judgments: readonly PairwiseJudgment[],
  options: BradleyTerryBootstrapOptions,
): BradleyTerryBootstrap {
  const prior = options.prior ?? 0;
  const fit = bradleyTerry(judgments, options);
  const iterations = options.iterations ?? 1000;
  const random = seededRandom(options.seed);
  const samples = fit.models.map(() => [] as number[]);
  let skipped = 0;
  const n = judgments.length;
  const drawn: PairwiseJudgment[] = new Array(n);
  for (let b = 0; b < iterations; b++) {
    for (let i = 0; i < n; i++) drawn[i] = judgments[random.int(n)];
    const t = tally(drawn, prior, fit.models);
    if (!mleExists(t.wins)) {
      skipped++;
      continue;
    }
    const refit = fitTally(t, options);
    fit.models.forEach((m, i) => {
      samples[i].push(refit.ratings[m]);
    });
  }
  const alpha = 1 - (options.confidence ?? 0.95);
  const intervals: Record<string, Interval> = {};
  fit.models.forEach((m, i) => {
    const sorted = Float64Array.from(samples[i]).sort();
    intervals[m] = [quantileSorted(sorted, alpha / 2), quantileSorted(sorted, 1 - alpha / 2)];
  });
  return { fit, intervals, skipped, iterations };
}
