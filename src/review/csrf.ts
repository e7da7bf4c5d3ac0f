// Refusing forged requests: a state-changing POST must carry its session's CSRF token and
// must not come from another origin (Origin and Sec-Fetch-Site, when the browser sends them).
import { createHash, timingSafeEqual } from "node:crypto";
import type { Context } from "hono";

/** Compare two secrets in constant time (digests first, so lengths leak nothing either). */
export function secretsMatch(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

/**
 * Why a POST is refused as cross-origin, or null when it is not: Sec-Fetch-Site saying another
 * site sent it, or an Origin header that is not this server's origin. Under Referrer-Policy
 * no-referrer Chromium sends `Origin: null` even for the form's own POSTs, so "null" passes only
 * when Sec-Fetch-Site vouches for the same origin. Browsers that send neither are left to the
 * CSRF token.
 */
export function crossOriginRefusal(c: Context): string | null {
  const site = c.req.header("sec-fetch-site");
  if (site === "cross-site" || site === "same-site") return "requests from another site are refused";
  const origin = c.req.header("origin");
  if (origin === undefined || origin === new URL(c.req.url).origin || (origin === "null" && site === "same-origin")) return null;
  return `requests from ${origin} are refused`;
}
