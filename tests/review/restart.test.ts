// kill -9 and restart: the server in a child process is killed at random moments while raters
// submit; restarted on the same store, it carries on, and every acknowledged rating is there.
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { createQueue } from "../../src/score/human/queue.ts";
import { addRater } from "../../src/score/human/raters.ts";
import { openStore } from "../../src/store/db.ts";
import { workspace } from "../helpers/workspace.ts";
import { type HttpRater, nextShown, signIn, submit } from "./http-rater.ts";
import { scriptedModel, storedRun } from "./stored-run.ts";

const K = 2;
const ITEMS = 120;
const RATERS = 6;
const KILLS = 3;
let child: ChildProcess | undefined;
afterAll(() => {
  child?.kill("SIGKILL");
});

/** Start the server process; resolves with its address once it prints it. */
function start(db: string): Promise<string> {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  child = spawn(process.execPath, ["--import", tsx, join(import.meta.dirname, "serve-child.ts"), db], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child!.stdout!.on("data", (d) => {
      out += d;
      const url = out.match(/ at (http:\/\/\S+\/)\n/)?.[1];
      if (url) resolve(url);
    });
    child!.once("exit", (code) => reject(new Error(`the server exited (${code}) before serving`)));
  });
}

describe("kill -9 and restart", () => {
  it("loses no acknowledged rating and ends with exactly K per item", async () => {
    const run = await storedRun(workspace(), "restart.db", ITEMS, [scriptedModel("test:alpha", (k) => `out ${k}`)]);
    const db = openStore(run.db);
    createQueue(db, { name: "q1", run: run.runId, ratersPerItem: K });
    const tokens = Array.from({ length: RATERS }, (_, r) => addRater(db, `r${r}`).token);
    db.close();

    let url = await start(run.db);
    let up: Promise<string> = Promise.resolve(url);
    const cookies = await Promise.all(tokens.map((t) => signIn(url, t)));
    const acknowledged: { rater: number; item: number; score: number }[] = [];
    let finished = 0;
    let killedMidWork = 0;
    let interrupted = 0;

    // Kill at random moments while the raters work, then restart on the same store; sessions
    // live in the store, so the raters' cookies keep working.
    const killer = (async () => {
      for (let k = 0; k < KILLS && finished < RATERS; k++) {
        // After every 30 acknowledged ratings, at a random moment within the next 50 ms.
        while (acknowledged.length < (k + 1) * 30 && finished < RATERS) await new Promise((resolve) => setTimeout(resolve, 5));
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 50));
        if (finished === 0) killedMidWork++;
        const dead = new Promise((resolve) => child!.once("exit", resolve));
        child!.kill("SIGKILL");
        await dead;
        up = start(run.db).then((u) => (url = u));
        await up;
      }
    })();

    await Promise.all(
      cookies.map(async (cookie, r) => {
        const rater: HttpRater = { base: () => url, cookie };
        for (;;) {
          try {
            const shown = await nextShown(rater);
            if (!shown) break;
            const score = 1 + ((r + Number(shown.item)) % 5);
            const answer = await submit(rater, shown, score);
            if (answer.status === 303 && answer.location === "/q/q1") acknowledged.push({ rater: r, item: Number(shown.item), score });
          } catch {
            // The server was killed mid-request: wait for the restart, then ask again.
            interrupted++;
            await new Promise((resolve) => setTimeout(resolve, 20));
            await up;
          }
        }
        finished++;
      }),
    );
    await killer;
    child!.kill("SIGKILL");
    expect(killedMidWork).toBe(KILLS);
    expect(interrupted).toBeGreaterThan(0);

    const sql = new Database(run.db, { readonly: true });
    const current = sql
      .prepare(
        `SELECT r.item_id AS item, CAST(substr(p.name, 2) AS INTEGER) AS rater, r.score FROM review_ratings r JOIN review_raters p ON p.id = r.rater_id
         WHERE r.kind = 'rating' AND NOT EXISTS (SELECT 1 FROM review_ratings n WHERE n.item_id = r.item_id AND n.rater_id = r.rater_id AND n.id > r.id)`,
      )
      .all() as { item: number; rater: number; score: number }[];
    const stored = new Set(current.map((c) => `${c.rater}/${c.item}/${c.score}`));
    for (const a of acknowledged) expect(stored.has(`${a.rater}/${a.item}/${a.score}`)).toBe(true);
    const perItem = new Map<number, number>();
    for (const c of current) perItem.set(c.item, (perItem.get(c.item) ?? 0) + 1);
    expect(perItem.size).toBe(ITEMS);
    expect([...perItem.values()].every((n) => n === K)).toBe(true);
    expect(sql.prepare("SELECT COUNT(*) FROM review_ratings").pluck().get()).toBe(ITEMS * K);
    sql.close();
  }, 120_000);
});
