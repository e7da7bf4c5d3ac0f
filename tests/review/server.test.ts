// The app in-process (app.request): sign-in, sessions, CSRF and origin refusals, headers,
// limits and the PRG flow, against a real store with a real queue.
import Database from "better-sqlite3";
import { beforeAll, describe, expect, it } from "vitest";
import { createReviewApp } from "../../src/review/server.ts";
import { addRater } from "../../src/score/human/raters.ts";
import { openStore, type Db } from "../../src/store/db.ts";
import { workspace } from "../helpers/workspace.ts";
import { nextItem, submitRating } from "../../src/score/human/assign.ts";
import { createQueue } from "../../src/score/human/queue.ts";
import { scriptedModel, storedRun } from "./stored-run.ts";

const HOST = "127.0.0.1:8650";
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

let db: Db;
let path: string;
let app: ReturnType<typeof createReviewApp>;
let token: string;

beforeAll(async () => {
  const run = await storedRun(workspace(), "server.db", 6, [scriptedModel("test:alpha", (k) => `alpha says ${k}`)]);
  path = run.db;
  db = openStore(path);
  createQueue(db, { name: "q1", run: run.runId, ratersPerItem: 2 });
  token = addRater(db, "ann").token;
  app = createReviewApp(db, { hosts: new Set([HOST, `localhost:8650`]), loginFailuresPerMinute: 10 });
});

const ratings = () => {
  const sql = new Database(path, { readonly: true });
  try {
    return sql.prepare("SELECT COUNT(*) FROM review_ratings").pluck().get() as number;
  } finally {
    sql.close();
  }
};

function request(url: string, init: RequestInit & { cookie?: string; form?: Record<string, string>; client?: string } = {}) {
  const headers = new Headers(init.headers);
  if (!headers.has("host")) headers.set("host", HOST);
  if (init.cookie) headers.set("cookie", init.cookie);
  let body = init.body;
  if (init.form) {
    headers.set("content-type", "application/x-www-form-urlencoded");
    body = new URLSearchParams(init.form).toString();
  }
  return app.request(`http://${HOST}${url}`, { ...init, method: init.method ?? (init.form ? "POST" : "GET"), headers, body });
}

async function signIn(): Promise<{ cookie: string; csrf: string; item: string }> {
  const login = await request(`/login?token=${token}`);
  expect(login.status).toBe(303);
  const cookie = login.headers.get("set-cookie")!.split(";")[0];
  const page = await (await request("/q/q1", { cookie })).text();
  return { cookie, csrf: page.match(/name="csrf" value="([^"]+)"/)![1], item: page.match(/name="item" value="(\d+)"/)![1] };
}

describe("review server", () => {
  it("signs in by link: an HttpOnly, SameSite=Strict, 12-hour session cookie, then / and the only queue", async () => {
    const res = await request(`/login?token=${token}`);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/");
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^assay_review=[A-Za-z0-9_-]{20,};/);
    expect(cookie.split("; ").slice(1).sort()).toEqual(["HttpOnly", "Max-Age=43200", "Path=/", "SameSite=Strict"]);
    const home = await request("/", { cookie: cookie.split(";")[0] });
    expect(home.status).toBe(303);
    expect(home.headers.get("location")).toBe("/q/q1");
  });

  it("without a session every page redirects to sign-in and every POST is refused", async () => {
    for (const url of ["/", "/q/q1", "/q/nope", "/anything"]) {
      const res = await request(url);
      expect([url, res.status, res.headers.get("location")]).toEqual([url, 303, "/login"]);
      const bad = await request(url, { cookie: "assay_review=forged" });
      expect([url, bad.status]).toEqual([url, 303]);
    }
    const before = ratings();
    for (const url of ["/q/q1/rate", "/q/q1/skip", "/q/q1/undo", "/logout", "/"]) {
      const res = await request(url, { form: { csrf: "x", item: "1", score: "1" } });
      expect([url, res.status]).toEqual([url, 403]);
    }
    expect(ratings()).toBe(before);
    expect((await request("/login")).status).toBe(200);
  });

  it("refuses a POST without its session's CSRF token, from another origin or another site: 403, nothing written", async () => {
    const { cookie, csrf, item } = await signIn();
    const before = ratings();
    const form = { csrf, item, score: "1" };
    const refused = [
      request("/q/q1/rate", { cookie, form: { item, score: "1" } }),
      request("/q/q1/rate", { cookie, form: { ...form, csrf: csrf.slice(0, -1) + (csrf.endsWith("A") ? "B" : "A") } }),
      request("/q/q1/rate", { cookie, form, headers: { origin: "http://evil.example" } }),
      request("/q/q1/rate", { cookie, form, headers: { origin: "null" } }),
      request("/q/q1/rate", { cookie, form, headers: { origin: "null", "sec-fetch-site": "cross-site" } }),
      request("/q/q1/rate", { cookie, form, headers: { origin: `http://${HOST}`, "sec-fetch-site": "same-site" } }),
      request("/q/q1/rate", { cookie, form, headers: { "sec-fetch-site": "cross-site" } }),
      request("/q/q1/rate", { cookie, form, headers: { "sec-fetch-site": "same-site" } }),
      request("/q/q1/undo", { cookie, form: { csrf: "wrong" } }),
      request("/logout", { cookie, form: { csrf: "wrong" } }),
    ];
    for (const res of await Promise.all(refused)) expect(res.status).toBe(403);
    expect(ratings()).toBe(before);
    const ok = await request("/q/q1/rate", {
      cookie,
      form: { ...form, comment: "fine" },
      // What Chromium sends under Referrer-Policy no-referrer: Origin null, vouched for by Sec-Fetch-Site.
      headers: { origin: "null", "sec-fetch-site": "same-origin" },
    });
    expect([ok.status, ok.headers.get("location")]).toEqual([303, "/q/q1"]);
    expect(ratings()).toBe(before + 1);
    // A double submit is silent.
    const again = await request("/q/q1/rate", { cookie, form });
    expect([again.status, again.headers.get("location")]).toEqual([303, "/q/q1"]);
    expect(ratings()).toBe(before + 1);
  });

  it("rates, skips and undoes through POST-redirect-GET; an item never handed out gets a notice", async () => {
    const { cookie, csrf, item } = await signIn();
    const skip = await request("/q/q1/skip", { cookie, form: { csrf, item } });
    expect([skip.status, skip.headers.get("location")]).toEqual([303, "/q/q1"]);
    const next = await (await request("/q/q1", { cookie })).text();
    const nextItem = next.match(/name="item" value="(\d+)"/)![1];
    expect(nextItem).not.toBe(item);
    const before = ratings();
    expect((await request("/q/q1/rate", { cookie, form: { csrf, item: nextItem, score: "2" } })).status).toBe(303);
    const undo = await request("/q/q1/undo", { cookie, form: { csrf } });
    expect([undo.status, undo.headers.get("location")]).toEqual([303, "/q/q1"]);
    expect(ratings()).toBe(before + 2); // the rating and its retraction: nothing deleted
    const back = await (await request("/q/q1", { cookie })).text();
    expect(back.match(/name="item" value="(\d+)"/)![1]).toBe(nextItem);
    const stray = await request("/q/q1/rate", { cookie, form: { csrf, item: "999999", score: "2" } });
    expect(stray.headers.get("location")).toBe("/q/q1?notice=not-reserved");
    expect(await (await request("/q/q1?notice=not-reserved", { cookie })).text()).toContain("was not reserved for you");
    // Bad input is a 400 with the reason, nothing written.
    const n = ratings();
    expect((await request("/q/q1/rate", { cookie, form: { csrf, item: nextItem, score: "" } })).status).toBe(400);
    expect((await request("/q/q1/rate", { cookie, form: { csrf, item: "x", score: "2" } })).status).toBe(400);
    expect(ratings()).toBe(n);
  });

  it("caps comments at 10,000 characters (400) and bodies at 64 KB (413)", async () => {
    const { cookie, csrf, item } = await signIn();
    const n = ratings();
    const long = await request("/q/q1/rate", { cookie, form: { csrf, item, score: "1", comment: "é".repeat(10_001) } });
    expect(long.status).toBe(400);
    const huge = await request("/q/q1/rate", { cookie, form: { csrf, item, score: "1", comment: "x".repeat(70_000) } });
    expect(huge.status).toBe(413);
    expect(ratings()).toBe(n);
    const fits = await request("/q/q1/rate", { cookie, form: { csrf, item, score: "1", comment: "é".repeat(10_000) } });
    expect(fits.status).toBe(303);
    expect(ratings()).toBe(n + 1);
  });

  it("answers only its own Host names; unknown paths are 404 and none reaches the file system", async () => {
    const { cookie } = await signIn();
    expect((await request("/login", { headers: { host: "evil.example:8650" } })).status).toBe(421);
    expect((await request("/login", { headers: { host: "localhost:8650" } })).status).toBe(200);
    for (const url of ["/nope", "/q/nope", "/assets/../package.json", "/assets/%2e%2e/package.json", "/assets/form.js/x", "/q/q1/rate"]) {
      const res = await request(url, { cookie });
      expect([url, res.status]).toEqual([url, 404]);
    }
    expect((await request("/assets/form.js")).headers.get("content-type")).toBe("text/javascript; charset=utf-8");
  });

  it("sends the security headers on every response", async () => {
    const { cookie, csrf } = await signIn();
    const responses = [
      await request("/login"),
      await request("/"),
      await request("/q/q1", { cookie }),
      await request("/nope", { cookie }),
      await request("/q/q1/rate", { cookie, form: { csrf: "x" } }),
      await request("/q/q1/rate", { cookie, form: { csrf, comment: "x".repeat(70_000) } }),
      await request("/login", { headers: { host: "evil.example" } }),
      await request("/assets/form.css"),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 303, 200, 404, 403, 413, 421, 200]);
    for (const res of responses) {
      expect(res.headers.get("content-security-policy")).toBe(CSP);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
    }
  });

  it("limits failed sign-ins per client: the 11th in a minute is 429 with Retry-After, even with the right token", async () => {
    const limited = createReviewApp(db, { loginFailuresPerMinute: 10 });
    const attempt = (t: string) => limited.request(`http://${HOST}/login?token=${t}`, { headers: { host: HOST } });
    for (let i = 0; i < 10; i++) expect((await attempt(`wrong${i}`)).status).toBe(401);
    const blocked = await attempt(token);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(blocked.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    expect(blocked.headers.get("set-cookie")).toBeNull();
    const post = await limited.request(`http://${HOST}/login`, {
      method: "POST",
      headers: { host: HOST, "content-type": "application/x-www-form-urlencoded" },
      body: `token=${token}`,
    });
    expect(post.status).toBe(429);
  });

  it("signs out: the session ends and its cookie no longer works", async () => {
    const { cookie, csrf } = await signIn();
    const out = await request("/logout", { cookie, form: { csrf } });
    expect([out.status, out.headers.get("location")]).toEqual([303, "/login"]);
    expect(out.headers.get("set-cookie")).toMatch(/^assay_review=; Max-Age=0/);
    expect((await request("/q/q1", { cookie })).status).toBe(303);
  });

  it("signs in with the token posted from the sign-in page", async () => {
    const res = await request("/login", { form: { token } });
    expect([res.status, res.headers.get("location")]).toEqual([303, "/"]);
    expect(res.headers.get("set-cookie")).toMatch(/^assay_review=/);
    const bad = await request("/login", { form: { token: "nope" } });
    expect(bad.status).toBe(401);
    expect(await bad.text()).toContain("That token is not valid.");
  });

  it("lists several queues with the rater's progress; goes straight to the only one still wanting ratings", async () => {
    const run = await storedRun(workspace(), "two.db", 2, [scriptedModel("test:alpha", (k) => `out ${k}`)]);
    const two = openStore(run.db);
    createQueue(two, { name: "first", run: run.runId, ratersPerItem: 1 });
    createQueue(two, { name: "second", run: run.runId, ratersPerItem: 1 });
    const { rater, token: t } = addRater(two, "bo");
    const multi = createReviewApp(two, {});
    const cookie = (await multi.request(`http://${HOST}/login?token=${t}`)).headers.get("set-cookie")!.split(";")[0];
    const list = await multi.request(`http://${HOST}/`, { headers: { cookie } });
    expect(list.status).toBe(200);
    const page = await list.text();
    expect(page).toContain('<a href="/q/first">first</a>');
    expect(page).toContain('<a href="/q/second">second</a>');
    expect(page).toContain("0 rated by you · 0 of 2 ratings in this queue");
    for (let shown = nextItem(two, "first", rater.id); shown; shown = nextItem(two, "first", rater.id))
      submitRating(two, { queue: "first", raterId: rater.id, itemId: shown.itemId, score: 1 });
    const home = await multi.request(`http://${HOST}/`, { headers: { cookie } });
    expect([home.status, home.headers.get("location")]).toEqual([303, "/q/second"]);
    two.close();
  });
});
