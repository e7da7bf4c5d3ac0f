// A judged run calibrated end to end: `assay run` with a judge that is a named OpenAI model (a
// fake server on 127.0.0.1 through the real SDK), then `assay calibrate` on that run against
// human labels, both as real processes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { calibrate, type CalibrationUnit } from "../../src/score/autorater/calibrate.ts";
import type { FakeServer } from "../fixtures/fake-http.ts";
import { startFakeOpenAI } from "../fixtures/fake-openai-server.ts";
import { fencedBlocks } from "../run/fixtures/fake-judge.ts";
import { assay, assayAsync, type CliResult } from "../helpers/cli.ts";
import { jsonl, workspace } from "../helpers/workspace.ts";

const items = Array.from({ length: 12 }, (_, i) => ({ id: `q${i}`, a: i, b: 1, sum: String(i + 1) }));
// The judge's verdict per item; item q10's reply is not JSON (unscored).
const verdicts: (number | null)[] = [5, 4, 1, 2, 5, 3, 1, 5, 2, 4, null, 5];
// ana rates every item (off by one from the judge on q1 and q5); bo rates the first six.
const ana = items.map((it, i) => ({ task: "add", item: it.id, rater: "ana", score: i === 1 ? 5 : i === 5 ? 2 : (verdicts[i] ?? 3) }));
const bo = [4, 4, 1, 3, 5, 2].map((score, i) => ({ task: "qa/add", item: items[i].id, rater: "bo", score }));

let server: FakeServer;
let dir: string;
let ran: CliResult;

beforeAll(async () => {
  server = await startFakeOpenAI({
    script: (body) => {
      const prompt = fencedBlocks(body.messages.at(-1).content)[0].body;
      const verdict = verdicts[Number(/What is (\d+) \+/.exec(prompt)![1])];
      return { text: verdict === null ? "I would say 3." : JSON.stringify({ reasoning: "checked the sum", verdict }) };
    },
  });
  dir = workspace({
    "assay.config.yaml": `models:\n  grader: { provider: openai, model: grader-1, base_url: "${server.url}/v1" }\n`,
    "suites/qa.yaml": `suite: qa
tasks:
  - id: add
    dataset: data/add.jsonl
    prompt: "What is {{a}} + {{b}}?"
    target: "{{sum}}"
    scorers:
      - exact-match
      - { name: judge, label: correctness, model: grader, rubric: correctness, scale: [1, 5] }
`,
    "suites/data/add.jsonl": jsonl(items),
    "out.jsonl": jsonl(items.map((it, i) => ({ task: "add", item: it.id, output: i % 3 === 0 ? "no idea" : it.sum }))),
    "labels.jsonl": jsonl([...ana, ...bo]),
  });
  ran = await assayAsync(dir, ["run", "--model", "replay:out.jsonl", "--json"], { ...process.env, OPENAI_API_KEY: "sk-test" }).done;
});
afterAll(async () => {
  await server?.close();
});

describe("assay calibrate on a judged run", () => {
  it("the run judged every output through the fake server, one reply unscored", () => {
    expect(ran.code, ran.stderr).toBe(0);
    expect(server.bodies).toHaveLength(12);
    const row = JSON.parse(ran.stdout).results.find((r: { metric: string }) => r.metric === "correctness");
    const scored = verdicts.filter((v): v is number => v !== null);
    expect(row).toMatchObject({ n: 11, unscored: 1, judge: { judgments: 12, unreadable: 1, failed: 0 } });
    expect(row.judge.scale.mean).toBeCloseTo(scored.reduce((a, b) => a + b, 0) / scored.length, 12);
  });

  it("--json: the judge's stored verdicts against the labels, equal to calibrate() on the same ratings", () => {
    const r = assay(
      dir,
      "calibrate",
      "--run",
      "1",
      "--scorer",
      "correctness",
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
      judge: verdicts[i],
      humans: [{ rater: "ana", score: ana[i].score }, ...(i < 6 ? [{ rater: "bo", score: bo[i].score }] : [])],
    }));
    const expected = JSON.parse(JSON.stringify(calibrate(units, { points: [1, 2, 3, 4, 5], seed: 3, resamples: 300 })));
    expect(JSON.parse(r.stdout)).toEqual({ run: 1, scorer: "correctness", scale: expect.any(String), labels: 18, ...expected });
    // The judgment that could not be read is left out, not counted as agreement or disagreement.
    expect(expected.unscored).toBe(1);
    expect(expected.n).toBe(17);
    // ana matches the judge on 9 of her 11 scored items (not q1, q5); bo on 3 of 6 (q1, q2, q4).
    expect(expected.agreement).toBeCloseTo(12 / 17, 12);
  });

  it("prints the table with the unscored output noted", () => {
    const r = assay(dir, "calibrate", "--run", "1", "--scorer", "correctness", "--labels", "labels.jsonl", "--resamples", "200");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("run 1, scorer correctness (scale: 1-5): 17 judge-human rating pairs on 11 outputs of 11 items");
    expect(r.stdout).toContain("1 labelled outputs the judge left unscored (not in n)");
  });
});
