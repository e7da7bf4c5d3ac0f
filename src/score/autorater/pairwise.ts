// Pairwise verdicts turned into outcomes between two contestants. With swap, each pair is judged
// in both orders (MT-Bench, Zheng et al. 2023, section 3.3; Vertex AI's flipped pairwise): a
// judge that follows the position instead of the response gives a different winner in each
// order, which counts as `inconsistent` (a tie in win rates) and lowers the consistency rate.

/** A pairwise verdict as written: A is the response shown first; null when it could not be read. */
export type PairVerdict = "A" | "B" | "tie" | null;

/** The outcome for contestants a and b on one item. */
export type PairOutcome = "a" | "b" | "tie" | "inconsistent" | "unscored";

/**
 * The outcome of `first` (a shown as A) and, with swap, `swapped` (b shown as A). Without
 * swap, `first` alone decides. Either verdict unreadable: unscored.
 */
export function pairOutcome(first: PairVerdict, swapped?: PairVerdict): PairOutcome {
  if (first === null || swapped === null) return "unscored";
  const one = first === "A" ? "a" : first === "B" ? "b" : "tie";
  if (swapped === undefined) return one;
  const two = swapped === "A" ? "b" : swapped === "B" ? "a" : "tie";
  return one === two ? one : "inconsistent";
}

/** Tallies of one pair of contestants over items. */
export interface PairTally {
  a_wins: number;
  b_wins: number;
  ties: number;
  inconsistent: number;
  unscored: number;
  /** Items with a readable outcome (wins, ties and inconsistent ones). */
  n: number;
}

/** Count outcomes. */
export function tallyOutcomes(outcomes: PairOutcome[]): PairTally {
  const t: PairTally = { a_wins: 0, b_wins: 0, ties: 0, inconsistent: 0, unscored: 0, n: 0 };
  for (const o of outcomes) {
    if (o === "a") t.a_wins++;
    else if (o === "b") t.b_wins++;
    else if (o === "tie") t.ties++;
    else if (o === "inconsistent") t.inconsistent++;
    else t.unscored++;
  }
  t.n = t.a_wins + t.b_wins + t.ties + t.inconsistent;
  return t;
}
