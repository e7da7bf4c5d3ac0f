// `assay calibrate` end to end: a real run (replay model, exact-match standing in for a judge)
// stored in SQLite, human labels in a JSONL file, the CLI in a real process.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { calibrate, type CalibrationUnit } from "../../src/score/autorater/calibrate.ts";
import { assay } from "../helpers/cli.ts";
import { jsonl, workspace } from "../helpers/workspace.ts";

const suite = `suite: qa
tasks:
  - id: add
    dataset: data/add.jsonl
    prompt: "What is {{a}} + {{b}}?"
    target: "{{sum}}"
    scorers: [exact-match]
`;
const items = Array.from({ length: 12 }, (_, i) => ({ id: `q${i}`, a: i, b: 1, sum: String(i + 1) }));
// Every third output is wrong: exact-match scores it 0.
const outputs = items.map((it, i) => ({ task: "add", item: it.id, output: i % 3 === 0 ? "no idea" : it.sum }));
// ana agrees with exact-match except on q1; bo rates the first six, 1 on odd items, 0 on even ones.
const ana = items.map((it, i) => ({ task: "add", item: it.id, rater: "ana", score: i % 3 === 0 || i === 1 ? 0 : 1 }));
const bo = items
  .slice(0, 6)
  .map((it, i) => ({ task: "qa/add", item: it.id, model: "replay:out.jsonl", strategy: "zero-shot", rater: "bo", score: i % 2 }));

describe("assay calibrate", () => {
  const dir = workspace({
    "suites/qa.yaml": suite,
    "suites/data/add.jsonl": jsonl(items),
    "out.jsonl": jsonl(outputs),
    "labels.jsonl": jsonl([...ana, ...bo]),
    "bad.jsonl": jsonl([
      { task: "add", item: "q1", rater: "ana", score: 2 },
      { task: "add", item: "q99", rater: "ana", score: 1 },
      { task: "add", item: "q2" },
    ]),
  });
  const ran = assay(dir, "run", "--model", "replay:out.jsonl");

  it("prints the figures as JSON, equal to calibrate() on the same ratings", () => {
    expect(ran.code, ran.stderr).toBe(0);
    const r = assay(
      dir,
      "calibrate",
      "--run",
      "1",
      "--scorer",
      "exact-match",
      "--labels",
      "labels.jsonl",
      "--json",
      "--seed",
      "3",
      "--resamples",
      "300",
    );
    expect(r.code, r.stderr).toBe(0);
    const units: CalibrationUnit[] = items.map((it, i) => ({
      task: "qa/add",
      item: it.id,
      model: "replay:out.jsonl",
      strategy: "zero-shot",
      judge: i % 3 === 0 ? 0 : 1,
      humans: [{ rater: "ana", score: ana[i].score }, ...(i < 6 ? [{ rater: "bo", score: bo[i].score }] : [])],
    }));
    const expected = JSON.parse(JSON.stringify(calibrate(units, { points: [0, 1], seed: 3, resamples: 300 })));
    expect(JSON.parse(r.stdout)).toEqual({ run: 1, scorer: "exact-match", scale: "pass/fail, 0 or 1", labels: 18, ...expected });
    expect(expected.n).toBe(18);
    expect(expected.confusion).toEqual({
      labels: [0, 1],
      matrix: [
        [5, 1],
        [3, 9],
      ],
    });
    expect(expected.agreement).toBeCloseTo(14 / 18, 12);
    expect(expected.human_ceiling.agreement).toBeCloseTo(2 / 6, 12);
    expect(expected.human_ceiling.n).toBe(6);
  });

  it("prints a table with intervals, the confusion matrices and the human ceiling", () => {
    const r = assay(dir, "calibrate", "--run", "1", "--scorer", "exact-match", "--labels", "labels.jsonl", "--resamples", "200");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      "run 1, scorer exact-match (scale: pass/fail, 0 or 1): 18 judge-human rating pairs on 12 outputs of 12 items",
    );
    expect(r.stdout).toMatch(/^figure\s+judge vs humans\s+95% CI\s+humans vs humans\s+95% CI$/m);
    expect(r.stdout).toMatch(/^agreement\s+0\.778\s+\[0\.\d{3}, 0\.\d{3}\]\s+0\.333\s+\[\S+, \S+\]$/m);
    expect(r.stdout).toMatch(/^kendall tau-b\s+0\.\d{3}\s+\[/m);
    expect(r.stdout).toMatch(/^pairs\s+18\s+6$/m);
    expect(r.stdout).toContain("confusion (rows: judge, columns: human)\n   0  1\n0  5  1\n1  3  9");
    expect(r.stdout).toContain("confusion between humans (rows: the rater first in name order)\n   0  1\n0  1  2\n1  2  1");
    expect(r.stdout).toContain("intervals: 95% percentile bootstrap over items, 200 resamples, seed 0");
  });

  it("reports every bad label with file:line and field, exit 2, no stack, the store untouched", () => {
    const db = join(dir, ".assay", "assay.db");
    const before = readFileSync(db);
    const r = assay(dir, "calibrate", "--run", "1", "--scorer", "exact-match", "--labels", "bad.jsonl");
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      [
        "error: bad.jsonl:1 score: 2 is not 0 or 1 (the scorer is pass/fail)",
        'bad.jsonl:3 rater: missing; each line is {"task", "item", "model"?, "strategy"?, "rater", "score"}',
        'bad.jsonl:3 score: missing; each line is {"task", "item", "model"?, "strategy"?, "rater", "score"}',
        'bad.jsonl:2: run 1 has no output of task qa/add, item "q99", model replay:out.jsonl, strategy zero-shot',
      ].join("\n") + "\n",
    );
    expect(readFileSync(db).equals(before)).toBe(true);
    const missing = assay(dir, "calibrate", "--run", "1", "--scorer", "judge", "--labels", "labels.jsonl");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('error: run 1 has no scorer "judge" (it has exact-match)\n');
    const noFile = assay(dir, "calibrate", "--run", "1", "--scorer", "exact-match", "--labels", "nope.jsonl");
    expect([noFile.code, noFile.stderr]).toEqual([2, "error: nope.jsonl: labels file not found\n"]);
  });
});
