// The rating form as a Hono app over an open store: sign-in, sessions, the pages, and the
// POSTs that rate, skip and undo (each checked for origin and CSRF token, then PRG).
import type { Context, Next } from "hono";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import { getConnInfo } from "@hono/node-server/conninfo";
import { UserError } from "../errors.ts";
import type { Db } from "../store/db.ts";
import { raterByToken } from "../score/human/raters.ts";
import { createSession, endSession, sessionOf } from "../score/human/sessions.ts";
import { listQueues } from "../score/human/queue.ts";
import type { QueueInfo, Rater } from "../score/human/types.ts";
import { crossOriginRefusal, secretsMatch } from "./csrf.ts";
import { FORM_SCRIPT } from "./form-script.ts";
import { FORM_STYLES } from "./form-styles.ts";
import { loginPage, messagePage } from "./pages.ts";
import { FailureLimiter } from "./rate-limit.ts";
import { queueRoutes } from "./queue-routes.ts";
import { clearSessionCookie, SESSION_TTL_MS, sessionCookie, setSessionCookie } from "./session.ts";

/** Options of createReviewApp. */
export interface ReviewAppOptions {
  /** Names of the queues served (empty = every queue in the store). */
  queues?: string[];
  /** Host headers answered (the server's own host:port by its loopback names); null or absent = any. */
  hosts?: Set<string> | null;
  /** Failed sign-ins allowed per client address per minute (default 10). */
  loginFailuresPerMinute?: number;
  sessionTtlMs?: number;
  /** Where unexpected errors are reported (default console.error). */
  warn?(line: string): void;
}

/** A signed-in request's session. */
export interface SessionVars {
  rater: Rater;
  csrf: string;
  sessionId: string;
}

export type ReviewEnv = { Variables: { session: SessionVars } };

/** Request bodies above this are refused (413): a rating is a few hundred bytes. */
export const MAX_BODY_BYTES = 64 * 1024;

const CSP = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
};

/**
 * The review form's app. Serve it with @hono/node-server or call `app.request(url)` in tests.
 * @example const app = createReviewApp(openStore("assay.db"), { queues: ["q1"] });
 */
export function createReviewApp(db: Db, options: ReviewAppOptions = {}): Hono<ReviewEnv> {
  const served = servedQueues(db, options.queues ?? []);
  const limiter = new FailureLimiter({ max: options.loginFailuresPerMinute ?? 10, windowMs: 60_000 });
  const ttl = options.sessionTtlMs ?? SESSION_TTL_MS;
  const warn = options.warn ?? ((line: string) => console.error(line));
  const app = new Hono<ReviewEnv>();

  app.use(secureHeaders({ contentSecurityPolicy: CSP, xFrameOptions: "DENY", strictTransportSecurity: false }));
  app.use(async (c, next) => {
    await next();
    c.header("Cache-Control", "no-store");
  });
  app.use(async (c, next) => {
    const host = c.req.header("host")?.toLowerCase();
    if (options.hosts && (!host || !options.hosts.has(host))) return c.text("unknown host", 421);
    await next();
  });
  app.use(bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => c.text("request body too large", 413) }));

  app.get("/assets/form.js", (c) => c.body(FORM_SCRIPT, 200, { "Content-Type": "text/javascript; charset=utf-8" }));
  app.get("/favicon.ico", (c) => c.body(null, 204));
  app.get("/assets/form.css", (c) => c.body(FORM_STYLES, 200, { "Content-Type": "text/css; charset=utf-8" }));

  const signIn = (c: Context<ReviewEnv>, token: string) => {
    const client = clientAddress(c);
    const wait = limiter.retryAfterMs(client);
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      c.header("Retry-After", String(seconds));
      return c.html(loginPage(`Too many failed sign-ins from your address: try again in ${seconds} s.`), 429);
    }
    const rater = token ? raterByToken(db, token) : null;
    if (!rater) {
      limiter.fail(client);
      return c.html(loginPage("That token is not valid."), 401);
    }
    const session = createSession(db, rater.id, ttl);
    setSessionCookie(c, session.sessionId, ttl);
    return c.redirect("/", 303);
  };
  app.get("/login", (c) => {
    const token = c.req.query("token");
    return token === undefined ? c.html(loginPage()) : signIn(c, token);
  });
  app.post("/login", async (c) => {
    const refusal = crossOriginRefusal(c);
    if (refusal) return c.text(refusal, 403);
    const token = (await c.req.parseBody()).token;
    return signIn(c, typeof token === "string" ? token : "");
  });

  // Everything below needs a session: a page redirects to sign-in, a POST is refused.
  app.use(async (c, next) => {
    const id = sessionCookie(c);
    const session = id ? sessionOf(db, id) : null;
    if (!session || !id)
      return c.req.method === "GET" || c.req.method === "HEAD" ? c.redirect("/login", 303) : c.text("sign in first", 403);
    c.set("session", { rater: session.rater, csrf: session.csrf, sessionId: id });
    await next();
  });
  app.post("/*", checkedPost);
  app.post("/logout", (c) => {
    endSession(db, c.get("session").sessionId);
    clearSessionCookie(c);
    return c.redirect("/login", 303);
  });
  app.route("/", queueRoutes(db, served));

  app.notFound((c) => c.html(messagePage("Not found", "There is no such page."), 404));
  app.onError((error, c) => {
    if (error instanceof HTTPException) return error.getResponse();
    if (error instanceof UserError) return c.text(error.message, 400);
    warn(`assay review: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return c.text("internal error", 500);
  });
  return app;
}

/** Refuse a POST from another origin or without its session's CSRF token (403, before any handler runs). */
async function checkedPost(c: Context<ReviewEnv>, next: Next) {
  const refusal = crossOriginRefusal(c);
  if (refusal) return c.text(refusal, 403);
  const body = await c.req.parseBody();
  const token = body.csrf;
  if (typeof token !== "string" || !secretsMatch(token, c.get("session").csrf))
    return c.text("missing or wrong form token: reload the page", 403);
  await next();
}

function servedQueues(db: Db, names: string[]): Map<string, QueueInfo> {
  const all = listQueues(db);
  const wanted = names.length ? new Set(names) : null;
  return new Map(all.filter((q) => !wanted || wanted.has(q.name)).map((q) => [q.name, q]));
}

/** The client's address for rate limiting ("local" for in-process requests, which have no socket). */
function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? "local";
  } catch {
    return "local";
  }
}
