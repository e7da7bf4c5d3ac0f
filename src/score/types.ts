// The Scorer contract: a factory takes options and returns a scorer; a scorer maps one
// trial's output to a score in [0,1] (or null: unscored) with an optional explanation.

/** What a scorer sees of one trial. */
export interface ScoreInput {
  /** The extracted answer (after the strategy's extraction), or null when none could be extracted. */
  answer: string | null;
  /** The raw model output (for self-consistency: the voted sample's output). */
  output: string;
  /** The rendered target(s); several when the task has multiple references. */
  targets: string[];
  /** The dataset item's fields. */
  item: Record<string, unknown>;
  /** The item's key, the strategy's label: judges name their calls and seeds by them. */
  itemKey?: string;
  strategy?: string;
  /** The task's prompt for the item without the strategy's additions (judges show it); set when a scorer needs it. */
  prompt?: string;
  /** Task-level extras a scorer may need (e.g. choices for multiple choice). */
  task?: { id: string; choices?: string[] };
  /**
   * Multiple-choice (loglikelihood) tasks: per choice, the log-likelihood of its continuation
   * (" " + choice) after the prompt, its token count, and the continuation's UTF-8 bytes and
   * code points (lm-evaluation-harness's acc_norm divides by the code points).
   */
  choiceLoglikelihoods?: { logprob: number; tokens: number; bytes: number; chars?: number }[];
}

/** A scorer's verdict. `value` null means unscored: counted, never turned into a pass or fail. */
export interface ScoreResult {
  value: number | null;
  explanation?: string;
  /**
   * Sufficient statistics for corpus-level metrics (BLEU, chrF): summed over items and
   * turned into the corpus score by the scorer's `aggregate`.
   */
  stats?: number[];
}

/** A scorer instance, made by a factory from options. */
export interface Scorer {
  /** The name results are stored and reported under, e.g. `exact-match`, `bleu`. */
  readonly name: string;
  /** Records how to rebuild this scorer: `{kind: "metric", name, args}`. */
  readonly spec: { name: string; args: Record<string, unknown> };
  /** Whether values are pass/fail (0 or 1): summaries then use a Wilson interval. */
  readonly binary?: boolean;
  score(input: ScoreInput): ScoreResult | Promise<ScoreResult>;
  /**
   * Corpus metrics only: turn the summed `stats` of all scored items into the corpus
   * score on the 0-1 scale (the summary says "corpus").
   */
  aggregate?(summedStats: number[]): number;
}

/** `context.dir`: the folder of the suite file naming the scorer (a judge's .hbs rubric lives there). */
export type ScorerFactory = (args: Record<string, unknown>, context?: { dir?: string }) => Scorer;
