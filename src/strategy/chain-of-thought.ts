// chain-of-thought: ask for step-by-step reasoning; the answer is the last "answer is X"
// (or a user pattern's capture). No extractable answer is stored as null and counted.
import { z } from "zod";
import { bundledTemplate } from "../template/env.ts";
import { compilePattern, finalAnswer } from "./extract.ts";
import type { Strategy } from "./types.ts";

const options = z
  .object({
    /** Regular expression whose first capture group is the answer (last match wins). */
    pattern: z.string().optional(),
  })
  .strict();

export const chainOfThought: Strategy<z.infer<typeof options>> = {
  kind: "chain-of-thought",
  options,
  template: "strategies/chain-of-thought.hbs",
  generationsPerTrial: () => 1,
  render(item, context) {
    const text = bundledTemplate(this.template).render({ prompt: context.renderPrompt(item.fields) });
    return { system: context.system, text };
  },
  extract: (output, opts) => finalAnswer(output, opts.pattern ? compilePattern(opts.pattern, "pattern") : undefined),
};
