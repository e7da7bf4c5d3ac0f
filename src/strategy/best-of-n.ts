// best-of-n (rejection sampling / verifier selection, as in Cobbe et al. 2021 "Training Verifiers
// to Solve Math Word Problems"): n samples at temperature > 0, each scored by a named scorer of
// the task (a judge, a metric, a verifier), and the best becomes the trial's output; ties go to
// the sample drawn first. The run scores the samples (run/trial.ts): the strategy renders and extracts.
import { z } from "zod";
import { chainOfThought } from "./chain-of-thought.ts";
import type { Strategy } from "./types.ts";
import { zeroShot } from "./zero-shot.ts";

const options = z
  .object({
    n: z.number().int().min(1).max(100).default(5),
    /** The scorer (by its label in the task) that ranks the samples. */
    select: z.object({ scorer: z.string().min(1) }).strict(),
    /** How each sample is prompted: the task prompt alone, or with a chain-of-thought cue. */
    base: z.enum(["zero-shot", "chain-of-thought"]).default("zero-shot"),
    pattern: z.string().optional(),
  })
  .strict();

type Options = z.infer<typeof options>;

export const bestOfN: Strategy<Options> = {
  kind: "best-of-n",
  options,
  template: zeroShot.template,
  templateOf: (opts) => (opts.base === "chain-of-thought" ? chainOfThought.template : zeroShot.template),
  defaultGeneration: { temperature: 0.7 },
  generationsPerTrial: (opts) => opts.n,
  render: (item, context, opts) =>
    opts.base === "chain-of-thought" ? chainOfThought.render(item, context, {}) : zeroShot.render(item, context, {}),
  extract: (output, opts) =>
    opts.base === "chain-of-thought" ? chainOfThought.extract(output, { pattern: opts.pattern }) : zeroShot.extract(output, {}),
};
