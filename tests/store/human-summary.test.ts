// The review queues' reads for `assay show`: only current ratings (a rater's newest row on an
// item, when it is not a retraction), gold items never, each output with its contestant.
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/store/db.ts";
import { pairwisePreferences, pointwiseOutputs, pointwiseRaters, runReviewQueues } from "../../src/store/human-summary.ts";
import { addItem, addQueue, addRater, rate, reviewedRun } from "../helpers/review-rows.ts";
import { workspace } from "../helpers/workspace.ts";

describe("human-summary queries", () => {
  let db: Db;
  let runId: number;
  let trial: (item: string, model: string, strategy: string) => number;
  beforeAll(async () => {
    ({ db, runId, trial } = await reviewedRun(workspace()));
  });

  it("lists a run's queues, and none for a run without them", () => {
    const pointwise = addQueue(db, runId, "q-points", "pointwise", [1, 2, 3]);
    const pairwise = addQueue(db, runId, "q-pairs", "pairwise");
    expect(runReviewQueues(db, runId).map((q) => [q.id, q.name, q.mode])).toEqual([
      [pointwise, "q-points", "pointwise"],
      [pairwise, "q-pairs", "pairwise"],
    ]);
    expect(runReviewQueues(db, runId + 1)).toEqual([]);
  });

  it("averages each output's current ratings, leaving out superseded rows, retractions and gold items", () => {
    const queue = addQueue(db, runId, "points", "pointwise", [1, 2, 3, 4, 5]);
    const [r1, r2, r3] = ["ann", "bob", "cy"].map((n) => addRater(db, `points-${n}`));
    const o1 = trial("i0", "test:x", "zero-shot");
    const o2 = trial("i1", "test:x", "zero-shot");
    const o3 = trial("i0", "test:y", "chain-of-thought");
    const i1 = addItem(db, queue, o1);
    const i2 = addItem(db, queue, o2);
    const i3 = addItem(db, queue, o3);
    const gold = addItem(db, queue, trial("i2", "test:x", "zero-shot"), { gold: true });
    rate(db, i1, r1, { score: 5 });
    rate(db, i1, r2, { score: 2 });
    rate(db, i1, r2, { score: 3 }); // an edit: supersedes the 2
    rate(db, i2, r1, { score: 4 });
    rate(db, i2, r3, { score: 1 });
    rate(db, i2, r3, { retraction: true }); // undone: r3 has no current rating of i2
    rate(db, i3, r3, { score: 2 });
    rate(db, i3, r3, { retraction: true });
    rate(db, i3, r3, { score: 5 }); // rated again after the undo: counts
    rate(db, gold, r1, { score: 1 });
    const outputs = [...pointwiseOutputs(db, queue)].map((o) => [o.model, o.strategy, o.task, o.trialId, o.mean, o.ratings]);
    expect(outputs).toEqual([
      ["test:x", "zero-shot", "t/add", o1, 4, 2],
      ["test:x", "zero-shot", "t/add", o2, 4, 1],
      ["test:y", "chain-of-thought", "t/add", o3, 5, 1],
    ]);
    const x = [...pointwiseOutputs(db, queue)][0];
    const y = [...pointwiseOutputs(db, queue)][2];
    expect(pointwiseRaters(db, queue)).toEqual(
      new Map([
        [`${x.taskId}/${x.modelId}/${x.strategyId}`, 2],
        [`${y.taskId}/${y.modelId}/${y.strategyId}`, 1],
      ]),
    );
  });

  it("gives each current preference with output_a's and output_b's contestants and the side shown first", () => {
    const queue = addQueue(db, runId, "pairs", "pairwise");
    const [r1, r2] = ["ann", "bob"].map((n) => addRater(db, `pairs-${n}`));
    const item = addItem(db, queue, trial("i0", "test:y", "zero-shot"), { trialB: trial("i0", "test:x", "zero-shot") });
    const gold = addItem(db, queue, trial("i1", "test:y", "zero-shot"), { trialB: trial("i1", "test:x", "zero-shot"), gold: true });
    rate(db, item, r1, { preference: "B", swapped: true });
    rate(db, item, r2, { preference: "A" });
    rate(db, item, r2, { retraction: true });
    rate(db, gold, r1, { preference: "A" });
    expect([...pairwisePreferences(db, queue)]).toEqual([
      {
        task: "t/add",
        taskId: expect.any(Number),
        itemId: item,
        raterId: r1,
        preference: "B",
        swapped: 1,
        modelA: "test:y",
        strategyA: "zero-shot",
        modelB: "test:x",
        strategyB: "zero-shot",
      },
    ]);
  });
});
