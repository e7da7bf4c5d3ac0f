// zero-shot: the task prompt alone; the answer is the trimmed output.
import { z } from "zod";
import { bundledTemplate } from "../template/env.ts";
import { plainAnswer } from "./extract.ts";
import type { Strategy } from "./types.ts";

const options = z.object({}).strict();

export const zeroShot: Strategy<z.infer<typeof options>> = {
  kind: "zero-shot",
  options,
  template: "strategies/zero-shot.hbs",
  generationsPerTrial: () => 1,
  render(item, context) {
    const text = bundledTemplate(this.template).render({ prompt: context.renderPrompt(item.fields) });
    return { system: context.system, text };
  },
  extract: (output) => plainAnswer(output),
};
