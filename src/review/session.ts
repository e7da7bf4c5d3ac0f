// The session cookie: its one name and attributes. The session itself (rater, CSRF token,
// expiry) lives in the store; the cookie carries only its random id.
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";

/** The session cookie's name. */
export const SESSION_COOKIE = "assay_review";

/** How long a session lasts: a working day. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** The session id the browser sent, if any. */
export function sessionCookie(c: Context): string | undefined {
  return getCookie(c, SESSION_COOKIE) || undefined;
}

/** Set the session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site sends it), whole site, TTL. */
export function setSessionCookie(c: Context, sessionId: string, ttlMs: number = SESSION_TTL_MS): void {
  setCookie(c, SESSION_COOKIE, sessionId, { httpOnly: true, sameSite: "Strict", path: "/", maxAge: Math.floor(ttlMs / 1000) });
}

/** Tell the browser to forget the session cookie. */
export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { httpOnly: true, sameSite: "Strict", path: "/" });
}
