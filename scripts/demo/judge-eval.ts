// The demo model as a judge of its own arithmetic answers: zero-shot and chain-of-thought
// answers extracted as assay extracts them, each judged in the suites/demo/verify.hbs format,
// compared with the exact-match truth (Cohen's kappa, agreement, per-strategy verdict rates).
import { finalAnswer, plainAnswer } from "../../src/strategy/extract.ts";
import { numbersEqual } from "../../src/score/metrics/exact-match.ts";
import { cohenKappa } from "../../src/stats/agreement.ts";
import { bootstrapStatistic } from "../../src/stats/bootstrap.ts";
import { arithmeticPrompt, type ArithmeticOp } from "./arithmetic.ts";
import { seededStream } from "./rng.ts";
import { judgePrompt, seededBoundary } from "./verification.ts";

/** Greedy completion of `text` up to the first newline, at most `maxTokens` tokens. */
export type Generate = (text: string, maxTokens: number) => Promise<string>;

/** The judge's verdict: the last `Verdict: correct|incorrect` in its line (the judge scorer's `pattern`), or null. */
export function judgeVerdict(output: string): "correct" | "incorrect" | null {
  const last = [...output.matchAll(/Verdict: (correct|incorrect)/g)].pop();
  return last ? (last[1] as "correct" | "incorrect") : null;
}

/** One judged answer. */
export interface Judgment {
  task: string;
  strategy: "zero-shot" | "chain-of-thought";
  answer: string | null;
  truth: "correct" | "incorrect";
  verdict: "correct" | "incorrect" | null;
}

/** Judge the model's zero-shot and chain-of-thought answers to `items` (a fresh seeded boundary per judge call). */
export async function judgeOwnAnswers(
  generate: Generate,
  task: string,
  op: ArithmeticOp,
  items: { id: string; a: number; b: number; answer: string }[],
): Promise<Judgment[]> {
  const r = seededStream(`judge-eval/${task}`);
  const out: Judgment[] = [];
  for (const item of items) {
    const prompt = arithmeticPrompt(op, item);
    const answers = {
      "zero-shot": plainAnswer(await generate(prompt, 64)),
      "chain-of-thought": finalAnswer(await generate(`${prompt} Let's think step by step.`, 128)),
    };
    for (const [strategy, answer] of Object.entries(answers) as [Judgment["strategy"], string | null][]) {
      // exact-match with normalize: number, as suites/demo/arithmetic.yaml scores it; no answer is wrong.
      const truth = answer !== null && numbersEqual(answer, item.answer) ? "correct" : "incorrect";
      const line = await generate(judgePrompt(prompt, answer ?? "", seededBoundary(r)), 320);
      out.push({ task, strategy, answer, truth, verdict: judgeVerdict(line) });
    }
  }
  return out;
}

/** Agreement figures of judgments with the truth; an unreadable verdict counts as disagreement. */
export function agreementReport(judgments: Judgment[]): string {
  const n = judgments.length;
  const truth = judgments.map((j) => j.truth);
  const verdicts = judgments.map((j) => j.verdict ?? "unscored");
  const kappaOf = (sample: Judgment[]) =>
    cohenKappa(
      sample.map((j) => j.truth),
      sample.map((j) => j.verdict ?? "unscored"),
      { labels: ["correct", "incorrect", "unscored"] },
    );
  const kappa = bootstrapStatistic(judgments, kappaOf, { seed: "demo-judge-kappa", iterations: 2000 });
  const agree = truth.filter((t, i) => t === verdicts[i]).length;
  const lines = [
    `judge vs exact match: n=${n}, agreement ${agree}/${n} = ${((100 * agree) / n).toFixed(1)}%, ` +
      `Cohen's kappa ${kappa.estimate.toFixed(3)} [${kappa.interval[0].toFixed(3)}, ${kappa.interval[1].toFixed(3)}] (95% bootstrap, 2000), ` +
      `unscored ${verdicts.filter((v) => v === "unscored").length}`,
  ];
  const groups = new Map<string, Judgment[]>();
  for (const j of judgments) groups.set(`${j.task} ${j.strategy}`, [...(groups.get(`${j.task} ${j.strategy}`) ?? []), j]);
  for (const [name, js] of groups) {
    const count = (f: (j: Judgment) => boolean) => js.filter(f).length;
    lines.push(
      `  ${name.padEnd(22)} n=${js.length}  truly correct ${count((j) => j.truth === "correct")}  judged correct ${count((j) => j.verdict === "correct")}` +
        `  judged incorrect ${count((j) => j.verdict === "incorrect")}  unscored ${count((j) => j.verdict === null)}  agreement ${count((j) => j.verdict === j.truth)}/${js.length}`,
    );
  }
  const wrong = judgments.filter((j) => j.verdict !== j.truth).slice(0, 6);
  if (wrong.length > 0)
    lines.push(
      `  disagreements, e.g.: ${wrong.map((j) => `${j.task}/${j.strategy} answer ${JSON.stringify(j.answer)} truth ${j.truth} verdict ${j.verdict}`).join("; ")}`,
    );
  return lines.join("\n");
}
