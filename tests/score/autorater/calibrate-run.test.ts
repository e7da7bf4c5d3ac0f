// calibrateRun on a real SQLite store: a judge's stored values put back on its scale and averaged
// over samples, labels resolved against the run's names, and every labels-file problem at once.
import { describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ValidationError } from "../../../src/errors.ts";
import * as api from "../../../src/index.ts";
import { calibrate } from "../../../src/score/autorater/calibrate.ts";
import { calibrateRun } from "../../../src/score/autorater/calibrate-run.ts";
import { openStore, type Db } from "../../../src/store/db.ts";
import { insertRun, itemInserter, upsertModel, upsertTask } from "../../../src/store/runs.ts";
import { trialWriter, type TrialRecord } from "../../../src/store/trials.ts";
import { jsonl, workspace } from "../../helpers/workspace.ts";

const judgeSpec = (args: Record<string, unknown>) => ({ name: "judge", args, label: "correctness" });

/**
 * A run with models m1, m2 and tasks s/t (strategies zero-shot, cot; a 1-5 judge), u/t (the same
 * id in another suite; a 0-9 judge) and s/solo (one strategy; choices judge), each with items
 * "1".."4". `values` gives each trial's stored (normalised) judge values by sample.
 */
function judgedStore(values: Record<string, (number | null | "error")[]>): { db: Db; dir: string } {
  const dir = workspace();
  const db = openStore(join(dir, "a.db"));
  const runId = insertRun(db, { assayVersion: "test", seed: 0, command: {} });
  const models = new Map(["m1", "m2"].map((m) => [m, upsertModel(db, runId, m, m)]));
  const tasks: [string, string, string[], Record<string, unknown>][] = [
    ["s", "t", ["zero-shot", "cot"], { scale: [1, 5], samples: 2 }],
    ["u", "t", ["zero-shot"], { scale: [0, 9] }],
    ["s", "solo", ["zero-shot"], { choices: { correct: 1, partly: 0.5, incorrect: 0 } }],
  ];
  const write = trialWriter(db);
  for (const [suite, task, strategies, args] of tasks) {
    const ids = upsertTask(db, runId, {
      suite,
      task,
      definition: {},
      sha256: "x",
      strategies: strategies.map((name) => ({ name, kind: "zero-shot", params: {} })),
      scorers: [
        { name: "correctness", args: judgeSpec(args), binary: false, corpus: false },
        { name: "exact-match", args: { name: "exact-match", args: {} }, binary: true, corpus: false },
      ],
    });
    const itemIds = itemInserter(db)(
      ids.taskId,
      ["1", "2", "3", "4"].map((key) => ({ key, fields: {} })),
    );
    const trials: TrialRecord[] = [];
    for (const [key, samples] of Object.entries(values)) {
      const [k, item, model, strategy] = key.split("|");
      if (k !== `${suite}/${task}`) continue;
      samples.forEach((value, sample) =>
        trials.push({
          itemId: itemIds[Number(item) - 1],
          strategyId: ids.strategyIds.get(strategy)!,
          modelId: models.get(model)!,
          sample,
          status: value === "error" ? "error" : "done",
          output: "o",
          answer: "o",
          generations: [],
          scores:
            value === "error"
              ? []
              : [
                  { scorerId: ids.scorerIds.get("correctness")!, value },
                  { scorerId: ids.scorerIds.get("exact-match")!, value: 1 },
                ],
        }),
      );
    }
    write(trials);
  }
  return { db, dir };
}

const label = (task: string, item: string | number, rater: string, score: number | string, extra: object = {}) => ({
  task,
  item,
  rater,
  score,
  ...extra,
});

describe("calibrateRun", () => {
  it("is the public API's, with calibrate() for ratings from elsewhere", () => {
    expect(api.calibrateRun).toBe(calibrateRun);
    expect(api.calibrate).toBe(calibrate);
  });

  it("puts stored values back on the judge's scale, averages samples, and resolves names", () => {
    const { db, dir } = judgedStore({
      "s/t|1|m1|zero-shot": [0.75, 0.75], // 4
      "s/t|2|m1|zero-shot": [0.25, 0.5], // (2 + 3) / 2 = 2.5: rank figures as is, categories 2 (half to even)
      "s/t|3|m1|zero-shot": [null, 1], // the scored sample only: 5
      "s/t|4|m1|zero-shot": [null, null], // unscored
      "s/t|1|m2|cot": ["error"], // a failed trial: unscored
      "s/t|2|m2|cot": [0],
    });
    const labels = [
      label("s/t", 1, "ana", 4, { model: "m1", strategy: "zero-shot" }),
      label("s/t", "1", "bo", 5, { model: "m1", strategy: "zero-shot", comment: "extra fields are ignored" }),
      label("s/t", 2, "ana", 2, { model: "m1", strategy: "zero-shot" }),
      label("s/t", 3, "ana", 5, { model: "m1", strategy: "zero-shot" }),
      label("s/t", 4, "ana", 1, { model: "m1", strategy: "zero-shot" }),
      label("s/t", 1, "ana", 3, { model: "m2", strategy: "cot" }),
      label("s/t", 2, "ana", 1, { model: "m2", strategy: "cot" }),
    ];
    const file = join(dir, "labels.jsonl");
    writeFileSync(file, jsonl(labels));
    const got = calibrateRun(db, { run: 1, scorer: "correctness", labels: file, resamples: 100 });
    const expected = calibrate(
      [
        {
          task: "s/t",
          item: "1",
          model: "m1",
          strategy: "zero-shot",
          judge: 4,
          humans: [
            { rater: "ana", score: 4 },
            { rater: "bo", score: 5 },
          ],
        },
        { task: "s/t", item: "2", model: "m1", strategy: "zero-shot", judge: 2.5, humans: [{ rater: "ana", score: 2 }] },
        { task: "s/t", item: "3", model: "m1", strategy: "zero-shot", judge: 5, humans: [{ rater: "ana", score: 5 }] },
        { task: "s/t", item: "4", model: "m1", strategy: "zero-shot", judge: null, humans: [{ rater: "ana", score: 1 }] },
        { task: "s/t", item: "1", model: "m2", strategy: "cot", judge: null, humans: [{ rater: "ana", score: 3 }] },
        { task: "s/t", item: "2", model: "m2", strategy: "cot", judge: 1, humans: [{ rater: "ana", score: 1 }] },
      ],
      { points: [1, 2, 3, 4, 5], resamples: 100 },
    );
    expect(got).toEqual({ run: 1, scorer: "correctness", scale: "1-5", labels: 7, ...expected });
    expect(got.n).toBe(5);
    expect(got.unscored).toBe(2);
    expect(got.agreement).toBe(0.8); // 2.5 counts as 2
    expect(got.human_ceiling!.n).toBe(1);
    db.close();
  });

  it("cancels the normalisation's float error before rounding (0-9 scale: samples 3 and 4 are 3.5, which rounds to 4)", () => {
    // (3/9 + 4/9) / 2 * 9 is 3.4999999999999996 in floating point; uncorrected it would round to 3.
    const { db, dir } = judgedStore({ "u/t|1|m1|zero-shot": [3 / 9, 4 / 9], "u/t|2|m1|zero-shot": [7 / 9, 7 / 9] });
    const file = join(dir, "labels.jsonl");
    writeFileSync(file, jsonl([label("u/t", 1, "ana", 4, { model: "m1" }), label("u/t", 2, "ana", 7, { model: "m1" })]));
    const got = calibrateRun(db, { run: 1, scorer: "correctness", labels: file, resamples: 10 });
    expect(got.scale).toBe("0-9");
    expect(got.agreement).toBe(1);
    db.close();
  });

  it("takes choice names or choice scores, and the only model or strategy when left out", () => {
    const { db, dir } = judgedStore({ "s/solo|1|m1|zero-shot": [1], "s/solo|2|m1|zero-shot": [0.5], "s/solo|3|m1|zero-shot": [0] });
    const file = join(dir, "labels.jsonl");
    writeFileSync(
      file,
      jsonl([
        label("solo", 1, "ana", "correct", { model: "m1" }),
        label("solo", 2, "ana", 0.5, { model: "m1" }),
        label("solo", 3, "ana", "partly", { model: "m1" }),
      ]),
    );
    const got = calibrateRun(db, { run: 1, scorer: "correctness", labels: file, resamples: 10 });
    expect(got.scale).toBe("choices correct = 1, partly = 0.5, incorrect = 0");
    expect(got.confusion).toEqual({
      labels: [0, 0.5, 1],
      matrix: [
        [0, 1, 0],
        [0, 1, 0],
        [0, 0, 1],
      ],
    });
    db.close();
  });

  it("calibrates a non-judge scorer on its values as stored (exact-match: 0 or 1)", () => {
    const { db, dir } = judgedStore({ "s/solo|1|m1|zero-shot": [1], "s/solo|2|m1|zero-shot": [1] });
    const file = join(dir, "labels.jsonl");
    writeFileSync(file, jsonl([label("solo", 1, "ana", 1, { model: "m1" }), label("solo", 2, "ana", 0, { model: "m1" })]));
    const got = calibrateRun(db, { run: 1, scorer: "exact-match", labels: file, resamples: 10 });
    expect(got.scale).toBe("pass/fail, 0 or 1");
    expect(got.confusion).toEqual({
      labels: [0, 1],
      matrix: [
        [0, 0],
        [1, 1],
      ],
    });
    db.close();
  });

  it("reports every problem of a labels file at once, each with file:line and field", () => {
    const { db, dir } = judgedStore({ "s/t|1|m1|zero-shot": [0.5] });
    const lines = [
      JSON.stringify(label("s/t", 1, "ana", 3, { model: "m1", strategy: "zero-shot" })), // fine
      JSON.stringify(label("t", 1, "ana", 3, { model: "m1", strategy: "zero-shot" })), // t is in s and u
      JSON.stringify(label("s/tt", 1, "ana", 3)),
      JSON.stringify(label("s/t", 1, "bo", 6, { model: "m1", strategy: "zero-shot" })),
      JSON.stringify(label("s/t", 1, "bo", 2.5, { model: "m1", strategy: "zero-shot" })),
      JSON.stringify(label("s/t", 1, "ana", 2, { model: "m1", strategy: "zero-shot" })), // ana again
      JSON.stringify(label("s/t", 1, "cy", 3)), // two models, two strategies
      JSON.stringify(label("s/t", 9, "ana", 3, { model: "m1", strategy: "zero-shot" })), // no such item
      JSON.stringify(label("s/t", 1, "cy", "good", { model: "m3", strategy: "zero-shot" })),
      '{"task": "s/t", "item": [1], "rater": 5}',
      "[1, 2]",
      "{not json",
      '{"task": "s/t", "task": "s/t", "item": 1, "rater": "a", "score": 1}',
    ];
    const file = join(dir, "labels.jsonl");
    writeFileSync(file, lines.join("\n") + "\n");
    let error: unknown;
    try {
      calibrateRun(db, { run: 1, scorer: "correctness", labels: file, labelsShown: "labels.jsonl" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems).toEqual([
      'labels.jsonl:2 task: "t" is in several suites of run 1 (s/t, u/t); write suite/task',
      'labels.jsonl:3 task: run 1 has no task "s/tt"; did you mean "s/t"?',
      "labels.jsonl:4 score: 6 is outside the judge's scale 1-5",
      "labels.jsonl:5 score: 2.5 is not a point of the judge's scale 1-5 (whole numbers only)",
      'labels.jsonl:6: rater "ana" already labelled this output (task s/t, item "1", model m1, strategy zero-shot) at line 1; keep one',
      "labels.jsonl:7 model: missing, and run 1 has 2 models (m1, m2): say which",
      "labels.jsonl:7 strategy: missing, and task s/t has 2 strategies (zero-shot, cot): say which",
      'labels.jsonl:9 model: run 1 has no model "m3"; did you mean "m1"? (it has m1, m2)',
      'labels.jsonl:9 score: "good" is text; the judge\'s scale is 1-5',
      "labels.jsonl:10 item: must be a string or a number (the item's id)",
      "labels.jsonl:10 rater: must be a non-empty string",
      'labels.jsonl:10 score: missing; each line is {"task", "item", "model"?, "strategy"?, "rater", "score"}',
      'labels.jsonl:11: each line must be a JSON object {"task", "item", "model"?, "strategy"?, "rater", "score"}',
      expect.stringMatching(/^labels\.jsonl:12: not JSON \(/),
      'labels.jsonl:13: duplicate key "task"',
      'labels.jsonl:8: run 1 has no output of task s/t, item "9", model m1, strategy zero-shot',
    ]);
    db.close();
  });

  it("names the run's scorers when the label is not one of them, and refuses a judge stored without a scale", () => {
    const { db, dir } = judgedStore({});
    const file = join(dir, "labels.jsonl");
    writeFileSync(file, jsonl([label("s/t", 1, "ana", 3)]));
    expect(() => calibrateRun(db, { run: 1, scorer: "corectness", labels: file })).toThrow(
      'run 1 has no scorer "corectness"; did you mean "correctness"? (it has correctness, exact-match)',
    );
    expect(() => calibrateRun(db, { run: 2, scorer: "correctness", labels: file })).toThrow("no run 2");
    db.prepare("UPDATE scorers SET args = ? WHERE name = 'correctness'").run(JSON.stringify(judgeSpec({ samples: 3 })));
    expect(() => calibrateRun(db, { run: 1, scorer: "correctness", labels: file })).toThrow(/neither a scale \[lo, hi\] nor choices/);
    db.close();
  });
});
