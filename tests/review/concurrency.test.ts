// 20 raters at once over HTTP on a K=3 queue, some double-submitting and some letting short
// reservations run out: every item ends with exactly K current ratings, none lost, none twice.
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { serveReview } from "../../src/review/serve.ts";
import { createQueue } from "../../src/score/human/queue.ts";
import { addRater } from "../../src/score/human/raters.ts";
import { openStore } from "../../src/store/db.ts";
import { workspace } from "../helpers/workspace.ts";
import { type HttpRater, nextShown, signIn, submit } from "./http-rater.ts";
import { scriptedModel, storedRun } from "./stored-run.ts";

const K = 3;
const ITEMS = 30;
const RATERS = 20;
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

describe("20 concurrent raters", () => {
  it("end with exactly K current ratings per item; every acknowledged submit is stored, none twice", async () => {
    const run = await storedRun(workspace(), "concurrency.db", ITEMS, [scriptedModel("test:alpha", (k) => `out ${k}`)]);
    const db = openStore(run.db);
    // Reservations of 0.6 s: the slow raters below let theirs run out.
    createQueue(db, { name: "q1", run: run.runId, ratersPerItem: K, reservationMinutes: 0.01 });
    const tokens = Array.from({ length: RATERS }, (_, r) => addRater(db, `r${r}`).token);
    db.close();
    const server = await serveReview({ db: run.db, host: "127.0.0.1", port: 0, queues: [], out: () => {}, warn: () => {} });
    closers.push(server.close);

    const acknowledged: { rater: number; item: number; score: number }[] = [];
    const refused: string[] = [];
    await Promise.all(
      tokens.map(async (token, r) => {
        const rater: HttpRater = { base: () => server.url, cookie: await signIn(server.url, token) };
        for (let turn = 0; ; turn++) {
          const shown = await nextShown(rater);
          if (!shown) return;
          const score = 1 + ((r + Number(shown.item)) % 5);
          // Raters 0-3 sometimes wait past their reservation; 4-9 double-submit.
          if (r < 4 && turn % 3 === 0) await new Promise((resolve) => setTimeout(resolve, 900));
          const answers =
            r >= 4 && r < 10
              ? await Promise.all([submit(rater, shown, score), submit(rater, shown, score)])
              : [await submit(rater, shown, score)];
          for (const a of answers) {
            expect(a.status).toBe(303);
            if (a.location === "/q/q1") acknowledged.push({ rater: r, item: Number(shown.item), score });
            else refused.push(a.location!);
          }
        }
      }),
    );

    const sql = new Database(run.db, { readonly: true });
    const current = sql
      .prepare(
        `SELECT r.item_id AS item, CAST(substr(p.name, 2) AS INTEGER) AS rater, r.score FROM review_ratings r JOIN review_raters p ON p.id = r.rater_id
         WHERE r.kind = 'rating' AND NOT EXISTS (SELECT 1 FROM review_ratings n WHERE n.item_id = r.item_id AND n.rater_id = r.rater_id AND n.id > r.id)`,
      )
      .all() as { item: number; rater: number; score: number }[];
    const perItem = new Map<number, number>();
    for (const c of current) perItem.set(c.item, (perItem.get(c.item) ?? 0) + 1);
    expect(perItem.size).toBe(ITEMS);
    expect([...perItem.values()].every((n) => n === K)).toBe(true);
    // No rating lost: every acknowledged submit is a current rating with the score sent.
    const stored = new Set(current.map((c) => `${c.rater}/${c.item}/${c.score}`));
    for (const a of acknowledged) expect(stored.has(`${a.rater}/${a.item}/${a.score}`)).toBe(true);
    // None duplicated: one rating row per rater and item (nothing was undone here).
    expect(sql.prepare("SELECT COUNT(*) FROM review_ratings").pluck().get()).toBe(ITEMS * K);
    expect(new Set(acknowledged.map((a) => `${a.rater}/${a.item}`)).size).toBe(ITEMS * K);
    // Double submits were acknowledged too (silently, as duplicates), without a second row.
    expect(acknowledged.length).toBeGreaterThan(ITEMS * K);
    for (const r of refused) expect(r).toMatch(/^\/q\/q1\?notice=(taken|not-reserved)$/);
    sql.close();
  });
});
