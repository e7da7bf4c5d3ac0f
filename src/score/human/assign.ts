// The queue's rules: which item a rater gets next (reservations that expire), and what a
// submit, a skip or an undo does. Each call is one IMMEDIATE transaction, committed before it
// returns, so several server processes can share one store and a crash loses nothing.
import { UserError } from "../../errors.ts";
import type { Db } from "../../store/db.ts";
import { claimStatements, type ClaimStatements, type ReviewItemRow } from "../../store/review-claims.ts";
import { queueRowByName, type QueueRow } from "../../store/review-queue.ts";
import { hashSeed } from "../../stats/random.ts";
import { parseStoredRubric } from "./queue.ts";
import type { RatingInput, ShownItem, SubmitOutcome } from "./types.ts";

const PREFERENCES = new Set(["A", "B", "tie"]);
/** Comments longer than this are refused: a comment is a note, not a document. */
export const MAX_COMMENT_CHARS = 10_000;

function queueOf(db: Db, name: string): QueueRow {
  const row = queueRowByName(db, name);
  if (!row) throw new UserError(`no review queue "${name}"`, { code: "E_QUEUE" });
  return row;
}

/**
 * Which side a rater sees first on a pairwise item: one bit of a hash of (queue seed, rater,
 * item), so it is random across raters and items yet the same on every reload.
 */
export function swappedFor(queue: Pick<QueueRow, "mode" | "seed">, raterId: number, itemId: number): number {
  return queue.mode === "pairwise" ? hashSeed(queue.seed, raterId, itemId) & 1 : 0;
}

/**
 * The item this rater should rate now, reserved for them, or null when nothing is left for
 * them. In order: expired reservations (anyone's) are released; the rater's live reservation
 * in this queue is handed back as it was; else the first item by position with a free slot
 * that the rater has not rated, skipped or reserved is reserved (an item whose reservation
 * ran out, or was given up by an undo, may come back to the same rater: they never rated it).
 */
export function nextItem(db: Db, queue: string, raterId: number, now: number = Date.now()): ShownItem | null {
  return db
    .transaction((): ShownItem | null => {
      const q = queueOf(db, queue);
      const s = claimStatements(db);
      s.releaseExpired(now);
      const held = s.reservation(q.id, raterId);
      if (held) return shownItem(s, q, s.item(held.item_id)!, raterId, held.swapped, held.expires_at!);
      const item = s.firstOpen(q.id, raterId);
      if (!item) return null;
      const swapped = swappedFor(q, raterId, item.id);
      const expiresAt = now + q.reservation_ms;
      if (s.claim(item.id, raterId)) s.setClaim(item.id, raterId, "reserved", now, expiresAt);
      else s.insertClaim({ item_id: item.id, rater_id: raterId, state: "reserved", shown_at: now, expires_at: expiresAt, swapped });
      s.addTaken(item.id, 1);
      return shownItem(s, q, item, raterId, swapped, expiresAt);
    })
    .immediate();
}

function shownItem(s: ClaimStatements, q: QueueRow, item: ReviewItemRow, raterId: number, swapped: number, expiresAt: number): ShownItem {
  const outputs = q.mode === "pairwise" ? (swapped ? [item.output_b!, item.output_a] : [item.output_a, item.output_b!]) : [item.output_a];
  const shown: ShownItem = {
    queue: q.name,
    itemId: item.id,
    task: item.task ?? "",
    input: item.input,
    reference: item.reference,
    outputs,
    progress: progressOf(s, q, raterId),
    expiresAt,
  };
  // After an undo the rater's latest row on the item is the retraction: start the form from what it retracted.
  const latest = s.latestRating(item.id, raterId);
  if (latest?.kind === "retraction" && latest.supersedes !== null) {
    const old = s.rating(latest.supersedes)!;
    shown.previous = { comment: old.comment ?? "" };
    if (old.score !== null) shown.previous.score = old.score;
    if (old.preference !== null) shown.previous.preference = old.preference;
  }
  return shown;
}

function progressOf(s: ClaimStatements, q: QueueRow, raterId: number): ShownItem["progress"] {
  // The rater's own count includes gold items: leaving them out would show a rater which items are gold.
  return { rated: s.ratedCount(q.id, raterId), queueDone: s.queueRated(q.id), queueTotal: q.items * q.raters_per_item };
}

/** A rater's progress in a queue: their current ratings (gold included), the queue's current ratings and the ratings wanted (gold excluded). */
export function raterProgress(db: Db, queue: string, raterId: number): ShownItem["progress"] {
  return progressOf(claimStatements(db), queueOf(db, queue), raterId);
}

/**
 * Record a rating. The rater's claim decides: reserved (even past its end, until released)
 * records it; rated is a double submit ("duplicate"); released (it ran out), the slot is taken
 * again if one is free, else "taken"; skipped or never handed out, "not-reserved". A score off the rubric's
 * points, or the wrong kind of answer for the queue's mode, is a UserError.
 */
export function submitRating(db: Db, input: RatingInput): SubmitOutcome {
  const now = input.now ?? Date.now();
  return db
    .transaction((): SubmitOutcome => {
      const q = queueOf(db, input.queue);
      checkAnswer(q, input);
      const s = claimStatements(db);
      const item = s.item(input.itemId);
      if (!item || item.queue_id !== q.id) return "not-reserved";
      const claim = s.claim(item.id, input.raterId);
      if (claim?.state === "rated") return "duplicate";
      // An item never handed to this rater (a forged or stale id) or skipped by them is not theirs to rate.
      if (!claim || claim.state === "skipped") return "not-reserved";
      if (claim.state === "released") {
        // The reservation ran out: the rater still saw the item, so the rating counts if a slot is free.
        if (item.taken >= item.needed) return "taken";
        s.addTaken(item.id, 1);
      }
      const shownAt = claim.shown_at;
      const swapped = claim.swapped;
      s.setClaim(item.id, input.raterId, "rated", claim.shown_at, null);
      const latest = s.latestRating(item.id, input.raterId);
      const pairwise = q.mode === "pairwise";
      s.insertRating({
        item_id: item.id,
        rater_id: input.raterId,
        kind: "rating",
        score: pairwise ? null : input.score!,
        preference: pairwise ? input.preference! : null,
        first_trial: pairwise ? (swapped ? item.trial_b : item.trial_a) : null,
        swapped: pairwise ? swapped : null,
        comment: input.comment ?? null,
        ms_on_page: Math.max(0, now - shownAt),
        created_at: new Date(now).toISOString(),
        supersedes: latest?.id ?? null,
      });
      if (!item.gold) s.addRated(q.id, 1);
      return "recorded";
    })
    .immediate();
}

function checkAnswer(q: QueueRow, input: RatingInput): void {
  const bad = (message: string) => new UserError(message, { code: "E_RATING" });
  if (input.comment !== undefined && (typeof input.comment !== "string" || input.comment.length > MAX_COMMENT_CHARS))
    throw bad(`a comment is text of at most ${MAX_COMMENT_CHARS} characters`);
  if (q.mode === "pairwise") {
    if (input.score !== undefined) throw bad(`queue ${q.name} is pairwise: send a preference (A, B or tie), not a score`);
    if (typeof input.preference !== "string" || !PREFERENCES.has(input.preference))
      throw bad(`queue ${q.name} is pairwise: the preference must be A, B or tie`);
    return;
  }
  if (input.preference !== undefined) throw bad(`queue ${q.name} is pointwise: send a score, not a preference`);
  const points = parseStoredRubric(q.rubric).points.map((p) => p.score);
  if (typeof input.score !== "number" || !points.includes(input.score))
    throw bad(`the score must be one of the rubric's points (${points.join(", ")})`);
}

/**
 * Skip an item: the rater's reservation becomes a skip and its slot goes back to other raters.
 * That rater is never given the item again. False when the rater held no reservation on it.
 */
export function skipItem(db: Db, options: { queue: string; raterId: number; itemId: number; now?: number }): boolean {
  const now = options.now ?? Date.now();
  return db
    .transaction((): boolean => {
      const q = queueOf(db, options.queue);
      const s = claimStatements(db);
      const item = s.item(options.itemId);
      if (!item || item.queue_id !== q.id) return false;
      const claim = s.claim(item.id, options.raterId);
      if (claim?.state !== "reserved") return false;
      s.setClaim(item.id, options.raterId, "skipped", now, null);
      s.addTaken(item.id, -1);
      return true;
    })
    .immediate();
}

/**
 * Undo the rater's latest current rating in the queue: append a retraction (nothing is
 * deleted), reserve the item for them again (its slot stays theirs), release any other
 * reservation they hold here. Returns the item's id, or null when there is nothing to undo.
 * The next nextItem() gives the item back with `previous` set; undoing again walks further back.
 */
export function undoLast(db: Db, options: { queue: string; raterId: number; now?: number }): number | null {
  const now = options.now ?? Date.now();
  return db
    .transaction((): number | null => {
      const q = queueOf(db, options.queue);
      const s = claimStatements(db);
      // Newest first, the first row met for an item is its latest: a rating there is current.
      const seen = new Set<number>();
      let target: { id: number; item_id: number } | undefined;
      for (const row of s.raterRatingsNewestFirst(q.id, options.raterId)) {
        if (seen.has(row.item_id)) continue;
        seen.add(row.item_id);
        if (row.kind === "rating") {
          target = row;
          break;
        }
      }
      if (!target) return null;
      const held = s.reservation(q.id, options.raterId);
      if (held && held.item_id !== target.item_id) {
        s.releaseClaim(held.item_id, options.raterId);
        s.addTaken(held.item_id, -1);
      }
      s.insertRating({
        item_id: target.item_id,
        rater_id: options.raterId,
        kind: "retraction",
        score: null,
        preference: null,
        first_trial: null,
        swapped: null,
        comment: null,
        ms_on_page: null,
        created_at: new Date(now).toISOString(),
        supersedes: target.id,
      });
      s.setClaim(target.item_id, options.raterId, "reserved", now, now + q.reservation_ms);
      if (!s.item(target.item_id)!.gold) s.addRated(q.id, -1);
      return target.item_id;
    })
    .immediate();
}
