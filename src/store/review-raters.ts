// SQL for review raters and their sign-in sessions: tokens and session ids arrive here only as
// hex sha256 hashes, never as the secrets themselves.
import { prepared } from "./prepared.ts";
import type { Db } from "./db.ts";

/** A rater row as stored. */
export interface RaterRow {
  id: number;
  name: string;
  token_sha256: string;
  created_at: string;
  removed_at: string | null;
}

/** Insert a rater; the caller checked the name is free inside the same transaction. */
export function insertRater(db: Db, name: string, tokenSha256: string, createdAt: string): number {
  return Number(
    db.prepare(`INSERT INTO review_raters (name, token_sha256, created_at) VALUES (?, ?, ?)`).run(name, tokenSha256, createdAt)
      .lastInsertRowid,
  );
}

/** The rater named `name` (removed or not). */
export function raterRowByName(db: Db, name: string): RaterRow | undefined {
  return db.prepare(`SELECT * FROM review_raters WHERE name = ?`).get(name) as RaterRow | undefined;
}

/** The rater whose token hashes to `tokenSha256` (removed or not). */
export function raterRowByTokenHash(db: Db, tokenSha256: string): RaterRow | undefined {
  return prepared(db, `SELECT * FROM review_raters WHERE token_sha256 = ?`).get(tokenSha256) as RaterRow | undefined;
}

/** Every rater with their count of current ratings (a rating not superseded by a later row of theirs on the item). */
export function raterRowsWithRatings(db: Db): (RaterRow & { ratings: number })[] {
  return db
    .prepare(
      `SELECT r.*, (SELECT COUNT(*) FROM review_ratings x
                    WHERE x.rater_id = r.id AND x.kind = 'rating'
                      AND NOT EXISTS (SELECT 1 FROM review_ratings y WHERE y.item_id = x.item_id AND y.rater_id = x.rater_id AND y.id > x.id)
                   ) AS ratings
       FROM review_raters r ORDER BY r.name`,
    )
    .all() as (RaterRow & { ratings: number })[];
}

/** Mark a rater removed and end their sessions (their ratings stay). */
export function markRaterRemoved(db: Db, raterId: number, removedAt: string): void {
  db.prepare(`UPDATE review_raters SET removed_at = ? WHERE id = ?`).run(removedAt, raterId);
  db.prepare(`DELETE FROM review_sessions WHERE rater_id = ?`).run(raterId);
}

/** Insert a session. */
export function insertSession(db: Db, idSha256: string, raterId: number, csrf: string, createdAt: string, expiresAt: number): void {
  db.prepare(`INSERT INTO review_sessions (id_sha256, rater_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`).run(
    idSha256,
    raterId,
    csrf,
    createdAt,
    expiresAt,
  );
}

/** A session with its rater, by the hash of its id. */
export function sessionRow(
  db: Db,
  idSha256: string,
): { rater_id: number; name: string; removed_at: string | null; csrf: string; expires_at: number } | undefined {
  return prepared(
    db,
    `SELECT s.rater_id, r.name, r.removed_at, s.csrf, s.expires_at
     FROM review_sessions s JOIN review_raters r ON r.id = s.rater_id WHERE s.id_sha256 = ?`,
  ).get(idSha256) as { rater_id: number; name: string; removed_at: string | null; csrf: string; expires_at: number } | undefined;
}

/** Delete one session; expired sessions go too (they can never be used again). */
export function deleteSession(db: Db, idSha256: string, now: number): void {
  prepared(db, `DELETE FROM review_sessions WHERE id_sha256 = ? OR expires_at <= ?`).run(idSha256, now);
}
