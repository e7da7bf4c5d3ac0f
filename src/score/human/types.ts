// The human-review contract shared by the queue (score/human/) and the web form (review/):
// what a rater is shown, what they send back, and what the queue answers.

export type ReviewMode = "pointwise" | "pairwise";
export type Preference = "A" | "B" | "tie";

/** One point of a pointwise rubric's scale: the key that picks it (1-9, then 0 for a tenth), its score, its words. */
export interface RubricPoint {
  key: string;
  score: number;
  label: string;
  description?: string;
}

/** What raters rate against: shown beside every item. Plain text (rendered as text, line breaks kept). */
export interface ReviewRubric {
  /** Built-in rubric name, a judge's rubric, or the file it came from. */
  name: string;
  title: string;
  guidelines: string;
  /** Pointwise: the scale, best last or first as the rubric orders it (at most 10 points). Pairwise: empty. */
  points: RubricPoint[];
}

/** A rater, as the server knows them after sign-in. */
export interface Rater {
  id: number;
  name: string;
}

/** A queue, as listed to a rater or by `review status`. */
export interface QueueInfo {
  id: number;
  name: string;
  run: number;
  mode: ReviewMode;
  ratersPerItem: number;
  reservationMs: number;
  rubric: ReviewRubric;
  /** Queue items that are not gold. */
  items: number;
  gold: number;
  createdAt: string;
}

/**
 * One item as the form shows it to one rater. Blind: nothing here names a model, a strategy,
 * a trial or another rater's rating. `outputs` are in the order this rater sees them (pairwise:
 * [A, B], sides randomised per rater and item, fixed across reloads).
 */
export interface ShownItem {
  queue: string;
  /** The queue item's id (review_items.id): opaque to the rater. */
  itemId: number;
  task: string;
  input: string;
  reference: string | null;
  outputs: string[];
  /** This rater's current ratings in the queue; ratings done and wanted over the whole queue (gold excluded). */
  progress: { rated: number; queueDone: number; queueTotal: number };
  /** After an undo: the retracted rating, so the form can start from it. */
  previous?: { score?: number; preference?: Preference; comment: string };
  /** When the reservation ends (ms since the epoch). */
  expiresAt: number;
}

/** A rating as the form sends it. */
export interface RatingInput {
  queue: string;
  raterId: number;
  itemId: number;
  /** Pointwise: a score of the rubric's points. */
  score?: number;
  /** Pairwise: as shown to this rater (A = the output shown first). */
  preference?: Preference;
  comment?: string;
  /** Clock for tests (ms since the epoch); default Date.now(). */
  now?: number;
}

/**
 * What a submit did. recorded: one new rating row. duplicate: this rater's rating of this item
 * was already recorded (a double submit), nothing written. taken: the reservation expired and
 * the item was given to other raters up to K, nothing written. not-reserved: the item was never
 * handed to this rater (or was skipped), nothing written.
 */
export type SubmitOutcome = "recorded" | "duplicate" | "taken" | "not-reserved";
