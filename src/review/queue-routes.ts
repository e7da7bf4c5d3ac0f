// The signed-in routes over the served queues: the queue list, the next item, and the POSTs
// that rate, skip and undo (already checked for origin and CSRF token by the server), each
// answered with a redirect back to the queue (POST-redirect-GET).
import type { Context } from "hono";
import { Hono } from "hono";
import type { Db } from "../store/db.ts";
import { nextItem, raterProgress, skipItem, submitRating, undoLast } from "../score/human/assign.ts";
import type { Preference, QueueInfo } from "../score/human/types.ts";
import { donePage, itemPage, NOTICES, queueListPage } from "./pages.ts";
import type { ReviewEnv } from "./server.ts";

const PREFERENCES = new Set(["A", "B", "tie"]);

/** The routes of the served queues (`served`: name -> queue). */
export function queueRoutes(db: Db, served: Map<string, QueueInfo>): Hono<ReviewEnv> {
  const app = new Hono<ReviewEnv>();
  const back = (c: Context, queue: QueueInfo, notice?: string) =>
    c.redirect(`/q/${encodeURIComponent(queue.name)}${notice ? `?notice=${notice}` : ""}`, 303);

  app.get("/", (c) => {
    const { rater, csrf } = c.get("session");
    // One queue served, or only one still wanting ratings: straight to work. Otherwise the rater picks.
    if (served.size === 1) return back(c, [...served.values()][0]);
    const rows = [...served.values()].map((queue) => ({ queue, progress: raterProgress(db, queue.name, rater.id) }));
    const open = rows.filter((r) => r.progress.queueDone < r.progress.queueTotal);
    if (open.length === 1) return back(c, open[0].queue);
    return c.html(queueListPage(rater.name, csrf, rows));
  });

  app.get("/q/:name", (c) => {
    const queue = served.get(c.req.param("name"));
    if (!queue) return c.notFound();
    const { rater, csrf } = c.get("session");
    const notice = c.req.query("notice");
    const known = notice && notice in NOTICES ? notice : undefined;
    const item = nextItem(db, queue.name, rater.id);
    if (!item) return c.html(donePage(queue, csrf, raterProgress(db, queue.name, rater.id), known));
    return c.html(itemPage(queue, item, csrf, known));
  });

  app.post("/q/:name/rate", async (c) => {
    const queue = served.get(c.req.param("name"));
    if (!queue) return c.notFound();
    const body = await c.req.parseBody();
    const itemId = idField(body.item);
    if (itemId === null) return c.text("the form has no item: reload the page", 400);
    const comment = typeof body.comment === "string" ? body.comment : "";
    let score: number | undefined;
    let preference: Preference | undefined;
    if (queue.mode === "pairwise") {
      if (typeof body.preference !== "string" || !PREFERENCES.has(body.preference)) return c.text("pick A, B or a tie", 400);
      preference = body.preference as Preference;
    } else {
      score = typeof body.score === "string" && body.score.trim() !== "" ? Number(body.score) : Number.NaN;
      if (!Number.isFinite(score)) return c.text("pick a score", 400);
    }
    const outcome = submitRating(db, { queue: queue.name, raterId: c.get("session").rater.id, itemId, score, preference, comment });
    // A double submit is silent; a rating that found its slot gone says so on the next page.
    return back(c, queue, outcome === "taken" || outcome === "not-reserved" ? outcome : undefined);
  });

  app.post("/q/:name/skip", async (c) => {
    const queue = served.get(c.req.param("name"));
    if (!queue) return c.notFound();
    const itemId = idField((await c.req.parseBody()).item);
    if (itemId === null) return c.text("the form has no item: reload the page", 400);
    const skipped = skipItem(db, { queue: queue.name, raterId: c.get("session").rater.id, itemId });
    return back(c, queue, skipped ? undefined : "not-skipped");
  });

  app.post("/q/:name/undo", (c) => {
    const queue = served.get(c.req.param("name"));
    if (!queue) return c.notFound();
    const undone = undoLast(db, { queue: queue.name, raterId: c.get("session").rater.id });
    return back(c, queue, undone === null ? "nothing-to-undo" : undefined);
  });
  return app;
}

function idField(value: unknown): number | null {
  return typeof value === "string" && /^[1-9]\d{0,15}$/.test(value) ? Number(value) : null;
}
