// Raters and sessions on a real store: tokens shown once and stored as hashes, removal, expiry.
import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { openStore } from "../../../src/store/db.ts";
import { addRater, listRaters, raterByToken, removeRater } from "../../../src/score/human/raters.ts";
import { createSession, endSession, sessionOf } from "../../../src/score/human/sessions.ts";
import { UserError } from "../../../src/errors.ts";
import { workspace } from "../../helpers/workspace.ts";

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

describe("raters", () => {
  const db = openStore(join(workspace(), "r.db"));

  it("adds a rater with a 256-bit base64url token stored only as its sha256", () => {
    const { rater, token } = addRater(db, "ana@example.org");
    expect(rater.name).toBe("ana@example.org");
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, "base64url")).toHaveLength(32);
    const row = db.prepare("SELECT * FROM review_raters WHERE id = ?").get(rater.id) as Record<string, unknown>;
    expect(row.token_sha256).toBe(sha(token));
    expect(JSON.stringify(db.prepare("SELECT * FROM review_raters").all())).not.toContain(token);
    expect(raterByToken(db, token)).toEqual(rater);
    expect(raterByToken(db, token.slice(0, -1) + (token.endsWith("A") ? "B" : "A"))).toBeNull();
    expect(raterByToken(db, "")).toBeNull();
  });

  it("refuses bad and taken names as user errors, writing nothing", () => {
    const before = listRaters(db).length;
    for (const name of ["", "a b", "x".repeat(65), "<script>", "ana/bo"]) expect(() => addRater(db, name)).toThrow(UserError);
    addRater(db, "bo");
    expect(() => addRater(db, "bo")).toThrow(/already exists/);
    expect(listRaters(db).length).toBe(before + 1);
  });

  it("removes a rater: no sign-in, sessions end, the listing says so; unknown names get a did-you-mean", () => {
    const { rater, token } = addRater(db, "cy");
    const session = createSession(db, rater.id, 60_000);
    expect(sessionOf(db, session.sessionId)?.rater).toEqual(rater);
    removeRater(db, "cy");
    expect(raterByToken(db, token)).toBeNull();
    expect(sessionOf(db, session.sessionId)).toBeNull();
    expect(db.prepare("SELECT COUNT(*) FROM review_sessions WHERE rater_id = ?").pluck().get(rater.id)).toBe(0);
    expect(listRaters(db).find((r) => r.name === "cy")).toMatchObject({ removed: true, ratings: 0 });
    expect(() => removeRater(db, "cyy")).toThrow(/no rater "cyy"; did you mean "cy"\?/);
    expect(() => removeRater(db, "cy")).toThrow(/already removed/);
  });
});

describe("sessions", () => {
  const db = openStore(join(workspace(), "s.db"));
  const { rater } = addRater(db, "ana");

  it("stores the session id only as its hash, with a separate CSRF token, and expires it", () => {
    const now = 1_000_000;
    const s = createSession(db, rater.id, 5_000, now);
    expect(s.sessionId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(s.csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(s.csrf).not.toBe(s.sessionId);
    expect(s.expiresAt).toBe(now + 5_000);
    const row = db.prepare("SELECT * FROM review_sessions").get() as Record<string, unknown>;
    expect(row.id_sha256).toBe(sha(s.sessionId));
    expect(sessionOf(db, s.sessionId, now + 4_999)).toEqual({ rater, csrf: s.csrf, expiresAt: now + 5_000 });
    expect(sessionOf(db, s.sessionId, now + 5_000)).toBeNull();
    expect(sessionOf(db, "nope", now)).toBeNull();
  });

  it("ends a session", () => {
    const s = createSession(db, rater.id, 60_000);
    endSession(db, s.sessionId);
    expect(sessionOf(db, s.sessionId)).toBeNull();
  });
});
