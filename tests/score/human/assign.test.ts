// The queue's rules on a real store made by a real run: reservations, expiry, submit outcomes,
// skip, undo, progress, blind items, pairwise sides.
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../../src/store/db.ts";
import { UserError } from "../../../src/errors.ts";
import { addRater } from "../../../src/score/human/raters.ts";
import { createQueue, listQueues, queueByName } from "../../../src/score/human/queue.ts";
import { nextItem, raterProgress, skipItem, submitRating, undoLast } from "../../../src/score/human/assign.ts";
import { reviewRun } from "./review-run.ts";

let db: Db;
let runId: number;
let queueCount = 0;
const T0 = 1_700_000_000_000;
const MIN = 60_000;

beforeAll(async () => {
  ({ db, runId } = await reviewRun(6));
});

function queue(options: Record<string, unknown> = {}) {
  return createQueue(db, { name: `q${++queueCount}`, run: runId, model: "replay:out.jsonl", strategy: "zero-shot", ...options });
}
const raters = (n: number) => Array.from({ length: n }, () => addRater(db, `r${Math.random().toString(36).slice(2, 10)}`).rater);
const claims = (itemId: number) =>
  db.prepare("SELECT rater_id, state FROM review_claims WHERE item_id = ? ORDER BY rater_id").all(itemId) as {
    rater_id: number;
    state: string;
  }[];
const taken = (itemId: number) => db.prepare("SELECT taken FROM review_items WHERE id = ?").pluck().get(itemId) as number;

describe("nextItem", () => {
  it("reserves the first open item by position, gives the same item back while reserved, and K raters per item", () => {
    const q = queue({ ratersPerItem: 2 });
    expect(q).toMatchObject({ items: 6, gold: 0, ratersPerItem: 2, mode: "pointwise", reservationMs: 10 * MIN });
    const [a, b, c] = raters(3);
    const first = nextItem(db, q.name, a.id, T0)!;
    const order = db.prepare("SELECT id FROM review_items WHERE queue_id = ? ORDER BY position").pluck().all(q.id) as number[];
    expect(first.itemId).toBe(order[0]);
    expect(first.expiresAt).toBe(T0 + 10 * MIN);
    expect(nextItem(db, q.name, a.id, T0 + 1000)).toEqual(first);
    expect(nextItem(db, q.name, b.id, T0)!.itemId).toBe(order[0]);
    expect(taken(order[0])).toBe(2);
    // Full: the third rater gets the next item.
    expect(nextItem(db, q.name, c.id, T0)!.itemId).toBe(order[1]);
  });

  it("releases expired reservations (after expires_at, not at it) and gives the slot to another rater", () => {
    const q = queue({ ratersPerItem: 1, reservationMinutes: 1 });
    const [a, b] = raters(2);
    const item = nextItem(db, q.name, a.id, T0)!;
    expect(nextItem(db, q.name, b.id, T0 + MIN)!.itemId).not.toBe(item.itemId);
    // b holds a reservation now; a's ended at T0 + MIN and is released once now > expires_at.
    expect(claims(item.itemId)).toEqual([{ rater_id: a.id, state: "reserved" }]);
    const c = raters(1)[0];
    expect(nextItem(db, q.name, c.id, T0 + MIN + 1)!.itemId).toBe(item.itemId);
    // a's claim is kept as released: a late submit from a is known to have been shown to a.
    expect(claims(item.itemId)).toEqual([
      { rater_id: a.id, state: "released" },
      { rater_id: c.id, state: "reserved" },
    ]);
    expect(taken(item.itemId)).toBe(1);
  });

  it("never hands a rater an item twice and returns null when nothing is left for them", () => {
    const q = queue({ ratersPerItem: 3 });
    const [a] = raters(1);
    const seen = new Set<number>();
    for (let i = 0; i < 6; i++) {
      const item = nextItem(db, q.name, a.id, T0)!;
      expect(seen.has(item.itemId)).toBe(false);
      seen.add(item.itemId);
      expect(submitRating(db, { queue: q.name, raterId: a.id, itemId: item.itemId, score: 5, now: T0 + 10 })).toBe("recorded");
    }
    expect(nextItem(db, q.name, a.id, T0)).toBeNull();
    expect(raterProgress(db, q.name, a.id)).toEqual({ rated: 6, queueDone: 6, queueTotal: 18 });
  });

  it("is blind: no model, strategy or trial in the shown item", () => {
    const q = createQueue(db, { name: "blind", run: runId });
    const [a] = raters(1);
    for (let i = 0; i < 24; i++) {
      const item = nextItem(db, q.name, a.id, T0)!;
      const text = JSON.stringify(item);
      for (const secret of ["replay", "out.jsonl", "echo", "zero-shot", "chain-of-thought", "trial"]) expect(text).not.toContain(secret);
      expect(Object.keys(item).sort()).toEqual(["expiresAt", "input", "itemId", "outputs", "progress", "queue", "reference", "task"]);
      expect(item.input).toMatch(/^What is \d+ \+ 1\?$/);
      submitRating(db, { queue: q.name, raterId: a.id, itemId: item.itemId, score: 1, now: T0 });
    }
  });

  it("an unknown queue is a user error", () => {
    expect(() => nextItem(db, "nope", 1, T0)).toThrow(UserError);
    expect(() => submitRating(db, { queue: "nope", raterId: 1, itemId: 1, score: 1 })).toThrow(UserError);
    expect(() => skipItem(db, { queue: "nope", raterId: 1, itemId: 1 })).toThrow(UserError);
    expect(() => undoLast(db, { queue: "nope", raterId: 1 })).toThrow(UserError);
  });
});

describe("submitRating", () => {
  it("records a reserved item's rating once (duplicate after), with time on page and queue progress", () => {
    const q = queue();
    const [a] = raters(1);
    const item = nextItem(db, q.name, a.id, T0)!;
    expect(submitRating(db, { queue: q.name, raterId: a.id, itemId: item.itemId, score: 4, comment: "ok", now: T0 + 2500 })).toBe(
      "recorded",
    );
    expect(submitRating(db, { queue: q.name, raterId: a.id, itemId: item.itemId, score: 4, now: T0 + 2600 })).toBe("duplicate");
    const rows = db.prepare("SELECT * FROM review_ratings WHERE item_id = ?").all(item.itemId) as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: "rating", score: 4, comment: "ok", ms_on_page: 2500, preference: null, supersedes: null });
    expect(claims(item.itemId)).toEqual([{ rater_id: a.id, state: "rated" }]);
    expect(queueByName(db, q.name)!.items).toBe(6);
    expect(db.prepare("SELECT rated FROM review_queues WHERE id = ?").pluck().get(q.id)).toBe(1);
  });

  it("records a rating submitted after expiry but before release", () => {
    const q = queue({ reservationMinutes: 1 });
    const [a] = raters(1);
    const item = nextItem(db, q.name, a.id, T0)!;
    expect(submitRating(db, { queue: q.name, raterId: a.id, itemId: item.itemId, score: 3, now: T0 + 5 * MIN })).toBe("recorded");
  });

  it("after release: takes the slot again while one is free, else answers taken and writes nothing", () => {
    const q = queue({ ratersPerItem: 1, reservationMinutes: 1 });
    const elsewhere = queue();
    const [a, b, c] = raters(3);
    const item = nextItem(db, q.name, a.id, T0)!;
    nextItem(db, elsewhere.name, c.id, T0 + 2 * MIN); // any nextItem releases expired reservations
    expect(claims(item.itemId)).toEqual([{ rater_id: a.id, state: "released" }]);
    expect(taken(item.itemId)).toBe(0);
    expect(submitRating(db, { queue: q.name, raterId: a.id, itemId: item.itemId, score: 2, now: T0 + 2 * MIN })).toBe("recorded");
    expect(claims(item.itemId)).toEqual([{ rater_id: a.id, state: "rated" }]);
    expect(taken(item.itemId)).toBe(1);
    const other = nextItem(db, q.name, b.id, T0 + 2 * MIN)!;
    // b's reservation runs out; c is handed the freed slot, so the item is full again.
    expect(nextItem(db, q.name, c.id, T0 + 10 * MIN)!.itemId).toBe(other.itemId);
    const before = db.prepare("SELECT COUNT(*) FROM review_ratings").pluck().get();
    expect(submitRating(db, { queue: q.name, raterId: b.id, itemId: other.itemId, score: 2, now: T0 + 10 * MIN })).toBe("taken");
    expect(db.prepare("SELECT COUNT(*) FROM review_ratings").pluck().get()).toBe(before);
    expect(taken(other.itemId)).toBe(1);
  });

  it("answers not-reserved for an open item never handed to the rater, and writes nothing", () => {
    const q = queue({ ratersPerItem: 3 });
    const [a, b] = raters(2);
    const item = nextItem(db, q.name, a.id, T0)!;
    const before = db.prepare("SELECT COUNT(*) FROM review_ratings").pluck().get();
    expect(submitRating(db, { queue: q.name, raterId: b.id, itemId: item.itemId, score: 1, now: T0 })).toBe("not-reserved");
    expect(db.prepare("SELECT COUNT(*) FROM review_ratings").pluck().get()).toBe(before);
    expect(claims(item.itemId)).toEqual([{ rater_id: a.id, state: "reserved" }]);
    expect(taken(item.itemId)).toBe(1);
  });

  it("answers not-reserved for a skipped item and an item of another queue", () => {
    const q = queue();
    const other = queue();
    const [a] = raters(1);
    const item = nextItem(db, q.name, a.id, T0)!;
    expect(skipItem(db, { queue: q.name, raterId: a.id, itemId: item.itemId, now: T0 })).toBe(true);
    expect(submitRating(db, { queue: q.name, raterId: a.id, itemId: item.itemId, score: 1, now: T0 })).toBe("not-reserved");
    expect(submitRating(db, { queue: other.name, raterId: a.id, itemId: item.itemId, score: 1, now: T0 })).toBe("not-reserved");
  });

  it("refuses a score off the rubric's points and a preference on a pointwise queue", () => {
    const q = queue();
    const [a] = raters(1);
    const item = nextItem(db, q.name, a.id, T0)!;
    for (const bad of [
      { score: 0 },
      { score: 6 },
      { score: 2.5 },
      {},
      { preference: "A" as const },
      { score: 1, preference: "A" as const },
    ])
      expect(() => submitRating(db, { queue: q.name, raterId: a.id, itemId: item.itemId, now: T0, ...bad })).toThrow(UserError);
    expect(db.prepare("SELECT COUNT(*) FROM review_ratings WHERE item_id = ?").pluck().get(item.itemId)).toBe(0);
  });
});

describe("skipItem", () => {
  it("gives the slot back to others and never hands the item to that rater again", () => {
    const q = queue({ ratersPerItem: 1 });
    const [a, b] = raters(2);
    const item = nextItem(db, q.name, a.id, T0)!;
    expect(skipItem(db, { queue: q.name, raterId: a.id, itemId: item.itemId, now: T0 })).toBe(true);
    expect(skipItem(db, { queue: q.name, raterId: a.id, itemId: item.itemId, now: T0 })).toBe(false);
    expect(taken(item.itemId)).toBe(0);
    expect(nextItem(db, q.name, a.id, T0)!.itemId).not.toBe(item.itemId);
    expect(nextItem(db, q.name, b.id, T0)!.itemId).toBe(item.itemId);
  });
});

describe("undoLast", () => {
  it("appends a retraction, hands the item back with `previous`, and walks further back", () => {
    const q = queue({ ratersPerItem: 2 });
    const [a] = raters(1);
    const first = nextItem(db, q.name, a.id, T0)!;
    submitRating(db, { queue: q.name, raterId: a.id, itemId: first.itemId, score: 2, comment: "meh", now: T0 + 1 });
    const second = nextItem(db, q.name, a.id, T0 + 2)!;
    submitRating(db, { queue: q.name, raterId: a.id, itemId: second.itemId, score: 5, now: T0 + 3 });
    const third = nextItem(db, q.name, a.id, T0 + 4)!; // a reservation undo must release
    expect(raterProgress(db, q.name, a.id)).toEqual({ rated: 2, queueDone: 2, queueTotal: 12 });

    expect(undoLast(db, { queue: q.name, raterId: a.id, now: T0 + 5 })).toBe(second.itemId);
    expect(claims(third.itemId)).toEqual([{ rater_id: a.id, state: "released" }]);
    expect(taken(third.itemId)).toBe(0);
    expect(taken(second.itemId)).toBe(1);
    const again = nextItem(db, q.name, a.id, T0 + 6)!;
    expect(again.itemId).toBe(second.itemId);
    expect(again.previous).toEqual({ score: 5, comment: "" });
    expect(again.expiresAt).toBe(T0 + 5 + 10 * MIN);
    expect(again.progress).toEqual({ rated: 1, queueDone: 1, queueTotal: 12 });

    expect(undoLast(db, { queue: q.name, raterId: a.id, now: T0 + 7 })).toBe(first.itemId);
    expect(nextItem(db, q.name, a.id, T0 + 8)).toMatchObject({ itemId: first.itemId, previous: { score: 2, comment: "meh" } });
    expect(undoLast(db, { queue: q.name, raterId: a.id, now: T0 + 9 })).toBeNull();

    // Re-rating supersedes the retraction; nothing was deleted.
    expect(submitRating(db, { queue: q.name, raterId: a.id, itemId: first.itemId, score: 3, now: T0 + 10 })).toBe("recorded");
    const rows = db
      .prepare("SELECT id, kind, score, supersedes FROM review_ratings WHERE item_id = ? AND rater_id = ? ORDER BY id")
      .all(first.itemId, a.id) as { id: number; kind: string; score: number | null; supersedes: number | null }[];
    expect(rows.map((r) => [r.kind, r.score])).toEqual([
      ["rating", 2],
      ["retraction", null],
      ["rating", 3],
    ]);
    expect(rows[1].supersedes).toBe(rows[0].id);
    expect(rows[2].supersedes).toBe(rows[1].id);
    expect(raterProgress(db, q.name, a.id)).toEqual({ rated: 1, queueDone: 1, queueTotal: 12 });

    // The reservations the undos gave up come back to the rater, who never rated them: the queue can be finished.
    const back = nextItem(db, q.name, a.id, T0 + 11)!;
    expect(back).toMatchObject({ itemId: second.itemId, previous: { score: 5, comment: "" } });
    expect(submitRating(db, { queue: q.name, raterId: a.id, itemId: second.itemId, score: 4, now: T0 + 12 })).toBe("recorded");
    expect(nextItem(db, q.name, a.id, T0 + 13)!.itemId).toBe(third.itemId);
    expect(claims(third.itemId)).toEqual([{ rater_id: a.id, state: "reserved" }]);
    expect(taken(third.itemId)).toBe(1);
  });
});

describe("pairwise", () => {
  it("pairs contestants on one item, randomises the sides per rater and stores what was shown", () => {
    const q = createQueue(db, { name: "pairs", run: runId, mode: "pairwise", ratersPerItem: 8 });
    // 6 items x C(4, 2) contestant pairs.
    expect(q.items).toBe(36);
    expect(q.rubric.points).toEqual([]);
    const rs = raters(8);
    const sides = new Set<string>();
    for (const r of rs) {
      const item = nextItem(db, q.name, r.id, T0)!;
      expect(nextItem(db, q.name, r.id, T0 + 1)!.outputs).toEqual(item.outputs);
      const row = db.prepare("SELECT output_a, output_b, trial_a, trial_b FROM review_items WHERE id = ?").get(item.itemId) as Record<
        string,
        string | number
      >;
      const swapped = db
        .prepare("SELECT swapped FROM review_claims WHERE item_id = ? AND rater_id = ?")
        .pluck()
        .get(item.itemId, r.id) as number;
      expect(item.outputs).toEqual(swapped ? [row.output_b, row.output_a] : [row.output_a, row.output_b]);
      sides.add(item.outputs[0]);
      expect(() => submitRating(db, { queue: q.name, raterId: r.id, itemId: item.itemId, score: 1, now: T0 })).toThrow(UserError);
      expect(() => submitRating(db, { queue: q.name, raterId: r.id, itemId: item.itemId, preference: "C" as "A", now: T0 })).toThrow(
        UserError,
      );
      expect(submitRating(db, { queue: q.name, raterId: r.id, itemId: item.itemId, preference: "A", now: T0 })).toBe("recorded");
      const rating = db
        .prepare("SELECT preference, swapped, first_trial FROM review_ratings WHERE item_id = ? AND rater_id = ?")
        .get(item.itemId, r.id);
      expect(rating).toEqual({ preference: "A", swapped, first_trial: swapped ? row.trial_b : row.trial_a });
    }
    expect(sides.size).toBe(2); // with 8 raters on one item, both sides came first for someone
  });
});

describe("queues", () => {
  it("lists queues and finds them by name", () => {
    expect(listQueues(db).map((q) => q.name)).toContain("pairs");
    expect(queueByName(db, "pairs")!.mode).toBe("pairwise");
    expect(queueByName(db, "nope")).toBeNull();
  });
});
