// SQL for handing out queue items: reservations (claims), their expiry, ratings as append-only
// rows, and a rater's progress. Every query here is served by an index and touches either one
// item or the rater's own rows, so a request costs the same on a 100,000-item queue.
import type { Db } from "./db.ts";

/** A queue item as the assignment rules need it. */
export interface ReviewItemRow {
  id: number;
  queue_id: number;
  position: number;
  task: string | null;
  trial_a: number | null;
  trial_b: number | null;
  input: string;
  reference: string | null;
  output_a: string;
  output_b: string | null;
  gold: number;
  needed: number;
  taken: number;
}

/** One rater's claim on one item. */
export interface ClaimRow {
  item_id: number;
  rater_id: number;
  state: "reserved" | "rated" | "skipped" | "released";
  shown_at: number;
  expires_at: number | null;
  swapped: number;
}

/** A rating row as stored. */
export interface RatingRow {
  id: number;
  item_id: number;
  rater_id: number;
  kind: "rating" | "retraction";
  score: number | null;
  preference: "A" | "B" | "tie" | null;
  first_trial: number | null;
  swapped: number | null;
  comment: string | null;
  ms_on_page: number | null;
  created_at: string;
  supersedes: number | null;
}

const itemColumns = `i.id, i.queue_id, i.position, tk.suite || '/' || tk.task AS task, i.trial_a, i.trial_b, i.input, i.reference,
  i.output_a, i.output_b, i.gold, i.needed, i.taken`;

/** Typed statements over one connection, prepared once. */
export interface ClaimStatements {
  /** Release reservations that ended before `now` (the claim stays, as 'released') and give their slots back; returns how many. */
  releaseExpired(now: number): number;
  /** The rater's reserved claim in this queue (at most one), with its item. */
  reservation(queueId: number, raterId: number): (ClaimRow & { position: number }) | undefined;
  /** The first item by position with a free slot that the rater has not rated, skipped or reserved (a released reservation may be taken again). */
  firstOpen(queueId: number, raterId: number): ReviewItemRow | undefined;
  item(itemId: number): ReviewItemRow | undefined;
  claim(itemId: number, raterId: number): ClaimRow | undefined;
  insertClaim(claim: ClaimRow): void;
  setClaim(itemId: number, raterId: number, state: ClaimRow["state"], shownAt: number, expiresAt: number | null): void;
  /** A reservation given up: the claim becomes 'released' (kept, so a late submit is known to have been shown). */
  releaseClaim(itemId: number, raterId: number): void;
  /** taken += delta. */
  addTaken(itemId: number, delta: number): void;
  /** review_queues.rated += delta. */
  addRated(queueId: number, delta: number): void;
  /** The rater's latest row on the item. */
  latestRating(itemId: number, raterId: number): RatingRow | undefined;
  rating(id: number): RatingRow | undefined;
  insertRating(row: Omit<RatingRow, "id">): number;
  /** The rater's rows in this queue, newest first (walked by undo; bounded by the rater's own rows). */
  raterRatingsNewestFirst(queueId: number, raterId: number): IterableIterator<RatingRow>;
  /** The rater's rated claims in this queue (their current ratings). */
  ratedCount(queueId: number, raterId: number): number;
  /** A queue's count of current ratings of items that are not gold. */
  queueRated(queueId: number): number;
}

const cache = new WeakMap<Db, ClaimStatements>();

/** The claim statements of `db` (prepared on first use). */
export function claimStatements(db: Db): ClaimStatements {
  let s = cache.get(db);
  if (s) return s;
  const expired = db.prepare(
    `SELECT item_id, rater_id FROM review_claims INDEXED BY review_claims_expiry WHERE state = 'reserved' AND expires_at < ?`,
  );
  const release = db.prepare(`UPDATE review_claims SET state = 'released', expires_at = NULL WHERE item_id = ? AND rater_id = ?`);
  const taken = db.prepare(`UPDATE review_items SET taken = taken + ? WHERE id = ?`);
  const reservation = db.prepare(
    `SELECT c.*, i.position FROM review_claims c JOIN review_items i ON i.id = c.item_id
     WHERE c.rater_id = ? AND c.state = 'reserved' AND i.queue_id = ?`,
  );
  // The partial index review_items_open holds only items with a free slot, in position order;
  // the scan skips the rater's own claims, so it is bounded by the rater's rows.
  const firstOpen = db.prepare(
    `SELECT ${itemColumns} FROM review_items i INDEXED BY review_items_open
     LEFT JOIN tasks tk ON tk.id = i.task_id
     WHERE i.queue_id = ? AND i.taken < i.needed
       AND NOT EXISTS (SELECT 1 FROM review_claims c WHERE c.item_id = i.id AND c.rater_id = ? AND c.state <> 'released')
     ORDER BY i.position LIMIT 1`,
  );
  const item = db.prepare(`SELECT ${itemColumns} FROM review_items i LEFT JOIN tasks tk ON tk.id = i.task_id WHERE i.id = ?`);
  const claim = db.prepare(`SELECT * FROM review_claims WHERE item_id = ? AND rater_id = ?`);
  const insertClaim = db.prepare(
    `INSERT INTO review_claims (item_id, rater_id, state, shown_at, expires_at, swapped)
     VALUES (@item_id, @rater_id, @state, @shown_at, @expires_at, @swapped)`,
  );
  const setClaim = db.prepare(`UPDATE review_claims SET state = ?, shown_at = ?, expires_at = ? WHERE item_id = ? AND rater_id = ?`);
  const rated = db.prepare(`UPDATE review_queues SET rated = rated + ? WHERE id = ?`);
  const latest = db.prepare(`SELECT * FROM review_ratings WHERE item_id = ? AND rater_id = ? ORDER BY id DESC LIMIT 1`);
  const rating = db.prepare(`SELECT * FROM review_ratings WHERE id = ?`);
  const insertRating = db.prepare(
    `INSERT INTO review_ratings (item_id, rater_id, kind, score, preference, first_trial, swapped, comment, ms_on_page, created_at, supersedes)
     VALUES (@item_id, @rater_id, @kind, @score, @preference, @first_trial, @swapped, @comment, @ms_on_page, @created_at, @supersedes)`,
  );
  const raterRatings = db.prepare(
    `SELECT r.* FROM review_ratings r INDEXED BY review_ratings_rater JOIN review_items i ON i.id = r.item_id
     WHERE r.rater_id = ? AND i.queue_id = ? ORDER BY r.id DESC`,
  );
  const ratedCount = db.prepare(
    `SELECT COUNT(*) FROM review_claims c JOIN review_items i ON i.id = c.item_id
     WHERE c.rater_id = ? AND c.state = 'rated' AND i.queue_id = ?`,
  );
  const queueRated = db.prepare(`SELECT rated FROM review_queues WHERE id = ?`);
  s = {
    releaseExpired(now) {
      const rows = expired.all(now) as { item_id: number; rater_id: number }[];
      for (const r of rows) {
        release.run(r.item_id, r.rater_id);
        taken.run(-1, r.item_id);
      }
      return rows.length;
    },
    reservation: (queueId, raterId) => reservation.get(raterId, queueId) as (ClaimRow & { position: number }) | undefined,
    firstOpen: (queueId, raterId) => firstOpen.get(queueId, raterId) as ReviewItemRow | undefined,
    item: (itemId) => item.get(itemId) as ReviewItemRow | undefined,
    claim: (itemId, raterId) => claim.get(itemId, raterId) as ClaimRow | undefined,
    insertClaim: (c) => void insertClaim.run(c),
    setClaim: (itemId, raterId, state, shownAt, expiresAt) => void setClaim.run(state, shownAt, expiresAt, itemId, raterId),
    releaseClaim: (itemId, raterId) => void release.run(itemId, raterId),
    addTaken: (itemId, delta) => void taken.run(delta, itemId),
    addRated: (queueId, delta) => void rated.run(delta, queueId),
    latestRating: (itemId, raterId) => latest.get(itemId, raterId) as RatingRow | undefined,
    rating: (id) => rating.get(id) as RatingRow | undefined,
    insertRating: (row) => Number(insertRating.run(row).lastInsertRowid),
    raterRatingsNewestFirst: (queueId, raterId) => raterRatings.iterate(raterId, queueId) as IterableIterator<RatingRow>,
    ratedCount: (queueId, raterId) => ratedCount.pluck().get(raterId, queueId) as number,
    queueRated: (queueId) => queueRated.pluck().get(queueId) as number,
  };
  cache.set(db, s);
  return s;
}
