// Rater sessions: a random session id for the cookie (the store keeps its sha256) and a CSRF
// token every form carries; a session dies when it expires or its rater is removed.
import type { Db } from "../../store/db.ts";
import { deleteSession, insertSession, sessionRow } from "../../store/review-raters.ts";
import { newSecret, secretHash } from "./secrets.ts";
import type { Rater } from "./types.ts";

/** Start a session for a rater; the session id is returned once and stored only as its hash. */
export function createSession(
  db: Db,
  raterId: number,
  ttlMs: number,
  now: number = Date.now(),
): { sessionId: string; csrf: string; expiresAt: number } {
  const sessionId = newSecret();
  const csrf = newSecret();
  const expiresAt = now + ttlMs;
  db.transaction(() => insertSession(db, secretHash(sessionId), raterId, csrf, new Date(now).toISOString(), expiresAt)).immediate();
  return { sessionId, csrf, expiresAt };
}

/** The live session with this id, or null (unknown, expired, or its rater removed). */
export function sessionOf(db: Db, sessionId: string, now: number = Date.now()): { rater: Rater; csrf: string; expiresAt: number } | null {
  if (typeof sessionId !== "string" || sessionId.length === 0 || sessionId.length > 1024) return null;
  const row = sessionRow(db, secretHash(sessionId));
  if (!row || row.removed_at !== null || row.expires_at <= now) return null;
  return { rater: { id: row.rater_id, name: row.name }, csrf: row.csrf, expiresAt: row.expires_at };
}

/** End a session (sign out); expired sessions are swept at the same time. */
export function endSession(db: Db, sessionId: string, now: number = Date.now()): void {
  db.transaction(() => deleteSession(db, secretHash(sessionId), now)).immediate();
}
