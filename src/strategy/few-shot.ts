// few-shot: k exemplars (task prompt + target, optionally a rationale) before the item's prompt.
// The random sampler is seeded per item, so an item gets the same exemplars on every run.
import { z } from "zod";
import { seededRandom } from "../stats/random.ts";
import { bundledTemplate } from "../template/env.ts";
import { finalAnswer, plainAnswer } from "./extract.ts";
import type { Item } from "../suite/types.ts";
import type { Strategy } from "./types.ts";

const options = z
  .object({
    k: z.number().int().min(0).default(3),
    sampler: z.enum(["first", "random"]).default("random"),
    /** Item field holding a worked rationale: exemplars then end "The answer is X." (few-shot CoT). */
    rationale: z.string().optional(),
    /**
     * Item field an exemplar must share with the item (e.g. `rule`): demonstrations come only
     * from the pool's exemplars with the same value. prepareTask checks that every item has
     * the field and that at least k exemplars share each value.
     */
    match: z.string().optional(),
  })
  .strict();

/** The exemplars whose `field` equals `value` (compared as strings, as data files may mix types). */
function sameField(pool: Item[], field: string, value: unknown): Item[] {
  return pool.filter((exemplar) => exemplar.fields[field] !== undefined && String(exemplar.fields[field]) === String(value));
}

export const fewShot: Strategy<z.infer<typeof options>> = {
  kind: "few-shot",
  options,
  template: "strategies/few-shot.hbs",
  generationsPerTrial: () => 1,
  render(item, context, opts) {
    const pool = opts.match ? sameField(context.exemplars, opts.match, item.fields[opts.match]) : context.exemplars;
    const chosen =
      opts.sampler === "first" ? pool.slice(0, opts.k) : seededRandom(context.seed).sample(pool, Math.min(opts.k, pool.length));
    const exemplars = chosen.map((exemplar) => ({
      prompt: context.renderPrompt(exemplar.fields),
      target: context.targetsOf(exemplar)[0] ?? "",
      rationale: opts.rationale ? String(exemplar.fields[opts.rationale] ?? "") : undefined,
    }));
    const text = bundledTemplate(this.template).render({ prompt: context.renderPrompt(item.fields), exemplars });
    return { system: context.system, text };
  },
  extract: (output, opts) => (opts.rationale ? finalAnswer(output) : plainAnswer(output)),
};
