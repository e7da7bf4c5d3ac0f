// The suite file schema (zod). Field names are the YAML's; see README "Suites".
import { z } from "zod";

export const generationSchema = z
  .object({
    temperature: z.number().min(0).max(2).optional(),
    top_k: z.number().int().min(0).optional(),
    top_p: z.number().gt(0).max(1).optional(),
    max_tokens: z.number().int().min(1).optional(),
    stop: z
      .union([z.string(), z.array(z.string())])
      .transform((s) => (typeof s === "string" ? [s] : s))
      .optional(),
    seed: z.number().int().min(0).optional(),
  })
  .strict();

const strategyObject = z
  .object({
    name: z.string(),
    label: z.string().optional(),
    generation: generationSchema.optional(),
  })
  .catchall(z.unknown());

const scorerObject = z.object({ name: z.string(), label: z.string().optional() }).catchall(z.unknown());

export const taskSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "use letters, digits, '.', '_' and '-'"),
    description: z.string().optional(),
    dataset: z.string().optional(),
    items: z.array(z.record(z.string(), z.unknown())).optional(),
    exemplars: z.union([z.string(), z.array(z.record(z.string(), z.unknown()))]).optional(),
    prompt: z.string().optional(),
    prompt_file: z.string().optional(),
    system: z.string().optional(),
    target: z.string().optional(),
    references: z.string().optional(),
    /** `loglikelihood`: score the target as a continuation of the prompt (perplexity, bits per byte). */
    output_type: z.enum(["generate", "loglikelihood"]).default("generate"),
    /** Multiple choice by log-likelihood: an item field holding the options, or a fixed list. */
    choices: z.union([z.string(), z.array(z.string()).min(2)]).optional(),
    strategies: z
      .array(z.union([z.string(), strategyObject]))
      .min(1)
      .default(["zero-shot"]),
    scorers: z.array(z.union([z.string(), scorerObject])).min(1),
    /** Judge every pair of contestants (model x strategy) on every item. */
    pairwise: z
      .object({ judge: z.record(z.string(), z.unknown()), swap: z.boolean().default(true), label: z.string().min(1).optional() })
      .strict()
      .optional(),
    generation: generationSchema.optional(),
    tags: z.array(z.string()).default([]),
    repeats: z.number().int().min(1).default(1),
    /** With repeats: also report pass@k for these k (unbiased estimator). */
    pass_at: z.array(z.number().int().min(1)).optional(),
    cluster: z.string().optional(),
  })
  .strict();

export const suiteSchema = z
  .object({
    suite: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "use letters, digits, '.', '_' and '-'"),
    description: z.string().optional(),
    version: z.union([z.string(), z.number()]).default(1),
    defaults: z.object({ generation: generationSchema.optional() }).strict().optional(),
    tags: z.array(z.string()).default([]),
    /** Run only when a selector names the suite or its tasks (not by a bare `assay run`). */
    explicit: z.boolean().default(false),
    tasks: z.array(taskSchema).min(1),
  })
  .strict();

export type SuiteFile = z.infer<typeof suiteSchema>;
export type TaskEntry = z.infer<typeof taskSchema>;
