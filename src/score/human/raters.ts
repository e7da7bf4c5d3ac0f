// Review raters: added with a sign-in token shown once (the store keeps its sha256), listed,
// removed (they can no longer sign in; their ratings stay), and found by token at sign-in.
import { timingSafeEqual } from "node:crypto";
import { didYouMean, UserError } from "../../errors.ts";
import type { Db } from "../../store/db.ts";
import { insertRater, markRaterRemoved, raterRowByName, raterRowByTokenHash, raterRowsWithRatings } from "../../store/review-raters.ts";
import { newSecret, secretHash } from "./secrets.ts";
import type { Rater } from "./types.ts";

const NAME = /^[A-Za-z0-9._@-]{1,64}$/;

/** A rater as `review raters list` shows them. */
export interface RaterListing {
  name: string;
  createdAt: string;
  removed: boolean;
  /** Current ratings (not retracted or superseded), over every queue. */
  ratings: number;
}

/**
 * Add a rater and return their sign-in token: 32 random bytes, base64url, never stored (only
 * its sha256 is) and so never shown again.
 * @example const { token } = addRater(db, "ana"); // sign in at /login?token=...
 */
export function addRater(db: Db, name: string): { rater: Rater; token: string } {
  if (!NAME.test(name)) throw new UserError(`rater name "${name}" must be 1-64 letters, digits, '.', '_', '@' or '-'`, { code: "E_RATER" });
  const token = newSecret();
  const id = db
    .transaction(() => {
      const existing = raterRowByName(db, name);
      if (existing)
        throw new UserError(`rater "${name}" already exists${existing.removed_at ? " (removed; pick another name)" : ""}`, {
          code: "E_RATER",
        });
      return insertRater(db, name, secretHash(token), new Date().toISOString());
    })
    .immediate();
  return { rater: { id, name }, token };
}

/** Every rater, by name, with their count of current ratings. */
export function listRaters(db: Db): RaterListing[] {
  return raterRowsWithRatings(db).map((r) => ({
    name: r.name,
    createdAt: r.created_at,
    removed: r.removed_at !== null,
    ratings: r.ratings,
  }));
}

/** Remove a rater: they cannot sign in, their sessions end, their ratings stay. Unknown (or already removed) is a UserError. */
export function removeRater(db: Db, name: string): void {
  db.transaction(() => {
    const row = raterRowByName(db, name);
    if (!row) {
      const known = raterRowsWithRatings(db).map((r) => r.name);
      throw new UserError(`no rater "${name}"${didYouMean(name, known)}`, { code: "E_RATER" });
    }
    if (row.removed_at) throw new UserError(`rater "${name}" was already removed (${row.removed_at})`, { code: "E_RATER" });
    markRaterRemoved(db, row.id, new Date().toISOString());
  }).immediate();
}

/**
 * The rater a sign-in token belongs to, or null (unknown or removed). Found by the token's hash,
 * then the hashes compared in constant time, so the comparison itself says nothing about the token.
 */
export function raterByToken(db: Db, token: string): Rater | null {
  if (typeof token !== "string" || token.length === 0 || token.length > 1024) return null;
  const hash = secretHash(token);
  const row = raterRowByTokenHash(db, hash);
  if (!row || row.removed_at !== null) return null;
  const equal = timingSafeEqual(Buffer.from(row.token_sha256, "hex"), Buffer.from(hash, "hex"));
  return equal ? { id: row.id, name: row.name } : null;
}
