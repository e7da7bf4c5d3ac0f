// The demo model is trained on exactly the judge prompt assay renders: suites/demo/verify.hbs
// with fenced texts, and the demo-verification suite's prompt is the same text.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { compileTemplate } from "../../src/template/env.ts";
import { fence } from "../../src/score/autorater/fence.ts";
import { judgeVerdict } from "../../scripts/demo/judge-eval.ts";
import {
  comparison,
  judgeCompletion,
  judgePrompt,
  seededBoundary,
  verificationShot,
  type VerificationItem,
} from "../../scripts/demo/verification.ts";
import { seededStream } from "../../scripts/demo/rng.ts";

const suites = join(import.meta.dirname, "../../suites/demo");

describe("the demo judge format", () => {
  it("the training prompt is verify.hbs rendered with fenced input and answer", () => {
    const render = compileTemplate(readFileSync(join(suites, "verify.hbs"), "utf8"));
    const boundary = "3f9a1c07d2e4b5a6";
    for (const answer of ["1072", "", "1111"]) {
      const input = "Q: What is 357 + 715?\nA:";
      const rendered = render({ input: fence(input, boundary).text, answer: fence(answer, boundary).text });
      expect(rendered).toBe(judgePrompt(input, answer, boundary));
      expect(rendered.endsWith("\nCheck:")).toBe(true);
    }
  });

  it("the demo-verification suite renders each item as the judge prompt, and its target matches the judge's line", () => {
    const task = (parse(readFileSync(join(suites, "verification.yaml"), "utf8")) as { tasks: { prompt: string; target: string }[] })
      .tasks[0];
    const prompt = compileTemplate(task.prompt);
    const target = compileTemplate(task.target);
    const items = readFileSync(join(suites, "data/verify.test.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as VerificationItem);
    expect(new Set(items.map((x) => x.verdict))).toEqual(new Set(["correct", "incorrect"]));
    for (const item of items) {
      const shot = verificationShot(item);
      expect(prompt(item as unknown as Record<string, unknown>)).toBe(shot.prompt);
      const pattern = new RegExp(target(item as unknown as Record<string, unknown>));
      expect(pattern.test(shot.target.trimEnd()), shot.target).toBe(true);
      const other = item.verdict === "correct" ? "incorrect" : "correct";
      expect(pattern.test(shot.target.trimEnd().replace(/Verdict: \w+$/, `Verdict: ${other}`))).toBe(false);
    }
  });

  it("the judge copies the proposed answer, writes the scratchpad, compares digit by digit, then gives the exact-match verdict", () => {
    const item = { a: 357, b: 715, answer: "1072" };
    expect(judgeCompletion("+", item, "1072")).toBe(
      " Proposed 1072. 357+715: 7+5=12, 2. 35+71: 5+1+1=7, 72. 3+7: 3+7=10, 1072. The answer is 1072." +
        " 1072=1072? 2=2 yes. 107=107? 7=7 yes. 10=10? 0=0 yes. 1=1? 1=1 yes. Verdict: correct\n",
    );
    expect(judgeCompletion("+", item, "1111")).toMatch(
      /^ Proposed 1111\. 357\+715: .* The answer is 1072\. 1072=1111\? 2=1 no\. Verdict: incorrect\n$/,
    );
    // Shorter answers are zero-padded as the scratchpad pads operands; the first difference ends it.
    expect(judgeCompletion("+", item, "972")).toMatch(/ 1072=0972\? 2=2 yes\. 107=097\? 7=7 yes\. 10=09\? 0=9 no\. Verdict: incorrect\n$/);
    expect(judgeCompletion("+", item, "")).toMatch(/^ Proposed nothing\. 357\+715: .* The answer is 1072\. Verdict: incorrect\n$/);
  });

  it("the comparison says yes to every digit exactly when the numbers are equal", () => {
    const r = seededStream("comparison");
    for (let i = 0; i < 2000; i++) {
      const answer = String(Math.floor(r() * 20000));
      const proposed = r() < 0.5 ? answer : String(Math.floor(r() * 20000));
      expect(!comparison(answer, proposed).includes(" no."), `${answer} ${proposed}`).toBe(answer === proposed);
    }
  });

  it("boundaries are 16 hex digits from the seeded stream", () => {
    const r = seededStream("test");
    const boundaries = Array.from({ length: 50 }, () => seededBoundary(r));
    for (const b of boundaries) expect(b).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(boundaries).size).toBe(50);
  });

  it("reads the last verdict of a line, and none from a line without one", () => {
    expect(judgeVerdict(" Proposed 5. Verdict: incorrect ... Verdict: correct")).toBe("correct");
    expect(judgeVerdict(" The answer is 5. Proposed 5.")).toBeNull();
  });
});
