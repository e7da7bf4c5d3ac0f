// self-consistency (Wang et al. 2022): k sampled chain-of-thought outputs, majority vote
// over the extracted answers; ties go to the answer sampled first.
import { z } from "zod";
import { majorityVote } from "../stats/reducers.ts";
import { chainOfThought } from "./chain-of-thought.ts";
import type { Strategy } from "./types.ts";

const options = z
  .object({
    samples: z.number().int().min(1).default(5),
    pattern: z.string().optional(),
  })
  .strict();

export const selfConsistency: Strategy<z.infer<typeof options>> = {
  kind: "self-consistency",
  options,
  template: chainOfThought.template,
  defaultGeneration: { temperature: 0.7 },
  generationsPerTrial: (opts) => opts.samples,
  render: (item, context) => chainOfThought.render(item, context, {}),
  extract: (output, opts) => chainOfThought.extract(output, { pattern: opts.pattern }),
  reduce(answers) {
    const voted = majorityVote(answers.filter((a): a is string => a !== null));
    if (voted === undefined) return 0;
    return answers.indexOf(voted);
  },
};
