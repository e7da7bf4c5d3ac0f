// Reducers turn the repeated samples of one item (self-consistency, pass@k) into one score.
// Each is pure and order-stable so a rerun reduces to the same bytes.

/** Mean of the sample scores; NaN for no samples (an unscored item, not a zero). */
export function meanReducer(scores: readonly number[]): number {
  if (scores.length === 0) return NaN;
  let sum = 0;
  for (const s of scores) sum += s;
  return sum / scores.length;
}

/**
 * The most frequent answer. Ties go to the tied answer seen first in `answers` (sample order),
 * so the result never depends on hashing or sort order. Undefined for no answers.
 * Example: `majorityVote(["B", "A", "A", "B"])` is `"B"`.
 */
export function majorityVote<T>(answers: readonly T[]): T | undefined {
  const counts = new Map<T, number>();
  let best: T | undefined;
  let bestCount = 0;
  for (const a of answers) counts.set(a, (counts.get(a) ?? 0) + 1);
  // Walk in sample order so the first-seen answer wins among equal counts.
  for (const a of answers) {
    const c = counts.get(a)!;
    if (c > bestCount) {
      best = a;
      bestCount = c;
    }
  }
  return best;
}

/**
 * Unbiased pass@k for one item with `n` samples of which `c` passed: 1 - C(n-c, k) / C(n, k)
 * (Chen et al. 2021, "Evaluating Large Language Models Trained on Code", Fig. 3), in the paper's
 * stable product form 1 - prod_{i=n-c+1}^{n} (1 - k / i).
 */
export function passAtK(n: number, c: number, k: number): number {
  if (!(Number.isInteger(n) && Number.isInteger(c) && Number.isInteger(k))) throw new RangeError("passAtK: n, c and k must be integers");
  if (c < 0 || c > n) throw new RangeError(`passAtK: need 0 <= c <= n, got c=${c}, n=${n}`);
  if (k < 1 || k > n) throw new RangeError(`passAtK: need 1 <= k <= n, got k=${k}, n=${n}`);
  if (n - c < k) return 1;
  let prod = 1;
  for (let i = n - c + 1; i <= n; i++) prod *= 1 - k / i;
  return 1 - prod;
}

/** pass@k from boolean samples of one item: `passAtKOfSamples([true, false, false], 2)` is 2/3. */
export function passAtKOfSamples(passed: readonly boolean[], k: number): number {
  let c = 0;
  for (const p of passed) if (p) c++;
  return passAtK(passed.length, c, k);
}

/** 1 when at least `k` samples passed, else 0 (the "k of n must pass" reducer). */
export function atLeastK(passed: readonly boolean[], k: number): number {
  let c = 0;
  for (const p of passed) if (p) c++;
  return c >= k ? 1 : 0;
}
