// createQueue on a real run: what the form shows, policies, rubrics, gold items, refusals.
import { beforeAll, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Db } from "../../../src/store/db.ts";
import { UserError, ValidationError } from "../../../src/errors.ts";
import { createQueue, GOLD_NEEDED, type CreateQueueOptions } from "../../../src/score/human/queue.ts";
import { addRater } from "../../../src/score/human/raters.ts";
import { nextItem, raterProgress, submitRating } from "../../../src/score/human/assign.ts";
import { jsonl } from "../../helpers/workspace.ts";
import { reviewRun } from "./review-run.ts";

let db: Db;
let runId: number;
let dir: string;
let n = 0;
beforeAll(async () => {
  ({ db, runId, dir } = await reviewRun(9));
});
const make = (options: Partial<CreateQueueOptions> = {}) => createQueue(db, { name: `c${++n}`, run: runId, cwd: dir, ...options });
const items = (queueId: number) =>
  db.prepare("SELECT * FROM review_items WHERE queue_id = ? ORDER BY position").all(queueId) as Record<string, unknown>[];
const trialOf = (id: unknown) =>
  db
    .prepare(
      "SELECT it.item_key AS item, m.spec AS model, st.name AS strategy FROM trials t JOIN items it ON it.id = t.item_id JOIN models m ON m.id = t.model_id JOIN strategies st ON st.id = t.strategy_id WHERE t.id = ?",
    )
    .get(id) as { item: string; model: string; strategy: string };
const counts = () => db.prepare("SELECT (SELECT COUNT(*) FROM review_queues) || '/' || (SELECT COUNT(*) FROM review_items)").pluck().get();

describe("createQueue", () => {
  it("copies the task's own prompt (not the strategy's), the target and the output of every done trial", () => {
    const q = make({ model: "echo", strategy: "chain-of-thought" });
    expect(q.items).toBe(9);
    for (const row of items(q.id)) {
      const t = trialOf(row.trial_a);
      const i = Number(t.item.slice(1));
      expect(row.input).toBe(`What is ${i} + 1?`); // chain-of-thought adds "Let's think step by step." to its prompt
      expect(row.reference).toBe(String(i + 1));
      expect(row.output_a).toBe(`What is ${i} + 1? Let's think step by step.`);
      expect([row.needed, row.taken, row.gold]).toEqual([3, 0, 0]);
    }
  });

  it("defaults to the selection's only judge, on its scale, with the rubric's sections as plain text", () => {
    const q = make();
    expect(q.rubric.name).toBe("grader");
    expect(q.rubric.points.map((p) => [p.key, p.score, p.label])).toEqual([
      ["1", 1, "1"],
      ["2", 2, "2"],
      ["3", 3, "3"],
      ["4", 4, "4"],
      ["5", 5, "5"],
    ]);
    expect(q.rubric.points[4].description).toMatch(/^the final answer agrees with the reference/);
    expect(q.rubric.guidelines).toMatch(/^Metric Definition\nCorrectness: /);
    expect(q.rubric.guidelines).toContain("Criteria\n- Final answer");
    expect(q.rubric.guidelines).toContain("Rating Rubric\n");
    expect(q.rubric.guidelines).not.toMatch(/\{\{|\}\}|Evaluation Steps|BEGIN id/);
  });

  it("takes a built-in rubric, and preference for pairwise", () => {
    expect(make({ rubric: "fluency" }).rubric).toMatchObject({ name: "fluency", title: "Fluency" });
    const p = make({ mode: "pairwise" });
    expect(p.rubric.name).toBe("preference");
    expect(p.rubric.points).toEqual([]);
    expect(p.rubric.guidelines).toContain("- tie: neither is better");
    expect(p.rubric.guidelines).not.toContain("{{");
    expect(p.rubric.guidelines).not.toContain("reference answer to decide");
    expect(() => make({ rubric: "preference" })).toThrow(/use it with --mode pairwise/);
    expect(() => make({ rubric: "corectness" })).toThrow(/did you mean "correctness"/);
  });

  it("reads a rubric file, with file:line errors and at most 10 points", () => {
    writeFileSync(
      join(dir, "good.yaml"),
      `title: Helpful?\nguidelines: |\n  Rate how much it helps.\nchoices: { no: 0, yes: 1 }\nlabels: { "1": "it answers" }\n`,
    );
    const q = make({ rubric: "good.yaml" });
    expect(q.rubric).toEqual({
      name: "good.yaml",
      title: "Helpful?",
      guidelines: "Rate how much it helps.\n",
      points: [
        { key: "1", score: 0, label: "no" },
        { key: "2", score: 1, label: "yes", description: "it answers" },
      ],
    });
    writeFileSync(join(dir, "bad.yaml"), `title: x\nguidelines: y\nscale: [1, 5]\nlabelz: {}\n`);
    expect(() => make({ rubric: "bad.yaml" })).toThrow(/bad\.yaml:4 labelz: unknown option; did you mean "labels"\?/);
    writeFileSync(join(dir, "wide.json"), `{\n  "title": "x",\n  "guidelines": "y",\n  "scale": [0, 10]\n}\n`);
    expect(() => make({ rubric: "wide.json" })).toThrow(/wide\.json:4 scale: a review rubric has at most 10 points/);
    writeFileSync(join(dir, "ten.json"), `{"title": "x", "guidelines": "y", "scale": [1, 10]}`);
    expect(make({ rubric: "ten.json" }).rubric.points.map((p) => p.key)).toEqual(["1", "2", "3", "4", "5", "6", "7", "8", "9", "0"]);
  });

  it("refuses mistakes as user errors and writes nothing", () => {
    const before = counts();
    const cases: [Partial<CreateQueueOptions>, RegExp][] = [
      [{ run: 99 }, /no run 99/],
      [{ model: "ech" }, /no model "ech"; did you mean "echo"/],
      [{ task: "qa/nope" }, /no task "qa\/nope"/],
      [{ ratersPerItem: 0 }, /--raters-per-item/],
      [{ name: "bad name" }, /queue name/],
      [{ policy: "random" }, /give --limit/],
      [{ policy: "disagreement", mode: "pairwise" }, /pairwise queue takes --policy all or random/],
      [{ policy: "uncertain", mode: "pairwise" }, /pairwise queue takes --policy all or random/],
      [{ policy: "sometimes" as "all" }, /unknown --policy/],
      [{ mode: "pairwise", model: "echo", strategy: "zero-shot" }, /no two contestants/],
      [{ rubric: "missing.yaml" }, /missing\.yaml/],
      [{ gold: "missing.jsonl" }, /missing\.jsonl/],
    ];
    for (const [options, message] of cases) {
      expect(() => make(options)).toThrow(UserError);
      expect(() => make(options)).toThrow(message);
    }
    make({ name: "taken" });
    expect(() => make({ name: "taken" })).toThrow(/already exists/);
    expect(counts()).not.toBe(before);
  });
});

describe("policies", () => {
  it("all: a seeded shuffle, the same for the same seed; --limit cuts it", () => {
    const order = (seed: number, limit?: number) => items(make({ seed, limit }).id).map((r) => r.trial_a);
    expect(order(1)).toEqual(order(1));
    expect(order(1)).not.toEqual(order(2));
    expect(order(1, 5)).toEqual(order(1).slice(0, 5));
    expect(new Set(order(1)).size).toBe(36);
  });

  it("random: a seeded sample of --limit outputs", () => {
    const a = items(make({ policy: "random", limit: 7, seed: 3 }).id).map((r) => r.trial_a);
    expect(a).toHaveLength(7);
    expect(items(make({ policy: "random", limit: 7, seed: 3 }).id).map((r) => r.trial_a)).toEqual(a);
  });

  it("disagreement: the outputs where the judge passes and exact-match fails (or the reverse)", () => {
    const q = make({ policy: "disagreement" });
    const picked = items(q.id).map((r) => trialOf(r.trial_a));
    // The lenient judge passes echo's q2 outputs; and chain-of-thought's extractor finds no
    // answer in the replay's bare right answers, so exact-match fails what the judge passes.
    const expected = ["q2 echo chain-of-thought", "q2 echo zero-shot"];
    for (const i of [1, 2, 4, 5, 7, 8]) expected.push(`q${i} replay:out.jsonl chain-of-thought`);
    const em = db
      .prepare(
        "SELECT COUNT(*) FROM scores s JOIN scorers sc ON sc.id = s.scorer_id JOIN trials t ON t.id = s.trial_id JOIN strategies st ON st.id = t.strategy_id WHERE sc.name = 'exact-match' AND st.name = 'chain-of-thought' AND t.output GLOB '[0-9]*' AND s.value = 0",
      )
      .pluck()
      .get();
    expect(em).toBe(6);
    expect(picked.map((t) => `${t.item} ${t.model} ${t.strategy}`).sort()).toEqual(expected.sort());
    expect(() => make({ policy: "disagreement", strategy: "nope" })).toThrow(/no strategy/);
  });

  it("uncertain: the outputs whose judge samples spread most come first", () => {
    const q = make({ policy: "uncertain", limit: 2 });
    const picked = items(q.id).map((r) => trialOf(r.trial_a));
    expect(picked.map((t) => `${t.item} ${t.model}`)).toEqual(["q1 replay:out.jsonl", "q1 replay:out.jsonl"]);
  });
});

describe("gold items", () => {
  it("are read from a run output or their own content, placed at seeded positions, and rated by every rater", () => {
    writeFileSync(
      join(dir, "gold.jsonl"),
      jsonl([
        { task: "add", item: "q4", model: "replay:out.jsonl", strategy: "zero-shot", score: 5 },
        { task: "qa/add", input: "What is 2 + 2?", output: "5", reference: "4", score: 1 },
      ]),
    );
    const q = make({ gold: "gold.jsonl", model: "replay:out.jsonl", strategy: "zero-shot" });
    expect([q.items, q.gold]).toEqual([9, 2]);
    const rows = items(q.id);
    const gold = rows.filter((r) => r.gold === 1);
    expect(gold.map((r) => [r.gold_score, r.needed])).toEqual(
      expect.arrayContaining([
        [5, GOLD_NEEDED],
        [1, GOLD_NEEDED],
      ]),
    );
    expect(gold.find((r) => r.gold_score === 1)).toMatchObject({ input: "What is 2 + 2?", output_a: "5", reference: "4", trial_a: null });
    expect(gold.find((r) => r.gold_score === 5)).toMatchObject({ input: "What is 4 + 1?", output_a: "5", reference: "5" });
    const positions = gold.map((r) => r.position);
    expect(
      items(make({ gold: "gold.jsonl", model: "replay:out.jsonl", strategy: "zero-shot" }).id)
        .filter((r) => r.gold === 1)
        .map((r) => r.position),
    ).toEqual(positions);
    expect(
      items(make({ gold: "gold.jsonl", model: "replay:out.jsonl", strategy: "zero-shot", seed: 9 }).id)
        .filter((r) => r.gold === 1)
        .map((r) => r.position),
    ).not.toEqual(positions);

    // Four raters each rate everything: 9 items x K=3 slots, and both gold items by all four.
    const raters = ["g1", "g2", "g3", "g4"].map((name) => addRater(db, name).rater);
    const rated = new Map<number, number>();
    for (const r of raters) {
      for (let item = nextItem(db, q.name, r.id); item; item = nextItem(db, q.name, r.id)) {
        expect(submitRating(db, { queue: q.name, raterId: r.id, itemId: item.itemId, score: 5 })).toBe("recorded");
        rated.set(r.id, (rated.get(r.id) ?? 0) + 1);
      }
    }
    expect(raters.map((r) => rated.get(r.id))).toEqual([11, 11, 11, 2]);
    expect(raterProgress(db, q.name, raters[3].id)).toEqual({ rated: 2, queueDone: 27, queueTotal: 27 });
  });

  it("reports every bad line at file:line field, writing nothing", () => {
    writeFileSync(
      join(dir, "badgold.jsonl"),
      jsonl([
        { task: "add", item: "q4", model: "replay:out.jsonl", strategy: "zero-shot", score: 7 },
        { task: "nope", input: "x", output: "y", score: 1 },
        { task: "add", item: "q99", score: 1 },
        { task: "add", item: "q1", score: 1 },
        { task: "add", input: "x", score: 1 },
      ]) + "{not json\n",
    );
    const before = counts();
    let error: unknown;
    try {
      make({ gold: "badgold.jsonl" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems).toEqual([
      "badgold.jsonl:1 score: 7 is not a point of rubric grader (1, 2, 3, 4, 5)",
      'badgold.jsonl:2 task: the run has no task "nope"',
      'badgold.jsonl:3 item: task qa/add has no finished output of item "q99" in this run',
      "badgold.jsonl:4 model: matches 4 outputs (replay:out.jsonl zero-shot, echo zero-shot, replay:out.jsonl chain-of-thought, echo chain-of-thought): give model and strategy",
      "badgold.jsonl:5 output: missing",
      expect.stringMatching(/^badgold\.jsonl:6: not JSON/),
    ]);
    expect(counts()).toBe(before);
  });

  it("pairwise: a preference between two named contestants, stored the way the pair is", () => {
    writeFileSync(
      join(dir, "pairgold.jsonl"),
      jsonl([
        {
          task: "add",
          item: "q4",
          a: { model: "replay:out.jsonl", strategy: "zero-shot" },
          b: { model: "echo", strategy: "zero-shot" },
          preference: "A",
        },
        { task: "add", input: "i", output_a: "x", output_b: "y", preference: "tie" },
      ]),
    );
    const q = make({ mode: "pairwise", gold: "pairgold.jsonl" });
    const gold = items(q.id).filter((r) => r.gold === 1);
    const named = gold.find((r) => r.trial_a !== null)!;
    // "echo zero-shot" sorts before "replay:out.jsonl zero-shot": echo is output A, so the replay side's win is B.
    expect(trialOf(named.trial_a).model).toBe("echo");
    expect(named.gold_preference).toBe("B");
    expect(gold.find((r) => r.trial_a === null)!.gold_preference).toBe("tie");
  });
});
