// Several real processes rating one queue on one store file at once: every item ends with
// exactly K current ratings from K distinct raters, none lost, none duplicated.
import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { addRater } from "../../../src/score/human/raters.ts";
import { createQueue } from "../../../src/score/human/queue.ts";
import { reviewRun } from "./review-run.ts";

const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const loop = join(import.meta.dirname, "fixtures", "rater-loop.ts");

function child(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = spawn(process.execPath, ["--import", tsx, loop, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  p.stdout.on("data", (d) => (stdout += d));
  p.stderr.on("data", (d) => (stderr += d));
  return new Promise((resolve) => p.once("close", (code) => resolve({ code, stdout, stderr })));
}

describe("concurrent raters in several processes", () => {
  it("end with exactly K current ratings per item and no duplicate rows", async () => {
    const { db, runId, path } = await reviewRun(10);
    const q = createQueue(db, { name: "busy", run: runId, ratersPerItem: 3 });
    expect(q.items).toBe(40);
    const ids = Array.from({ length: 8 }, (_, i) => addRater(db, `rater${i}`).rater.id);
    const results = await Promise.all([0, 1, 2, 3].map((p) => child([path, "busy", String(ids[2 * p]), String(ids[2 * p + 1])])));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const totals: Record<string, number> = {};
    for (const r of results)
      for (const [k, v] of Object.entries(JSON.parse(r.stdout) as Record<string, number>)) totals[k] = (totals[k] ?? 0) + v;
    expect(totals.recorded).toBe(120);
    expect(totals.duplicate).toBeGreaterThan(0);
    const perItem = db
      .prepare(
        `SELECT i.id, i.taken, COUNT(r.id) AS ratings, COUNT(DISTINCT r.rater_id) AS raters
         FROM review_items i LEFT JOIN review_ratings r ON r.item_id = i.id WHERE i.queue_id = ? GROUP BY i.id`,
      )
      .all(q.id) as { taken: number; ratings: number; raters: number }[];
    expect(perItem).toHaveLength(40);
    for (const item of perItem) expect(item).toMatchObject({ taken: 3, ratings: 3, raters: 3 });
    expect(db.prepare("SELECT rated FROM review_queues WHERE id = ?").pluck().get(q.id)).toBe(120);
    expect(db.prepare("SELECT COUNT(*) FROM review_claims WHERE state != 'rated'").pluck().get()).toBe(0);
  }, 120_000);
});
