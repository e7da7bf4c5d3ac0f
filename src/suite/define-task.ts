// defineTask: declare a task in TypeScript instead of YAML, validated by the same schema.
import { ValidationError } from "../errors.ts";
import { checkSelectors, pairwiseSpec, scorerSpecs, strategySpecs } from "./entries.ts";
import { generationSchema } from "./schema.ts";
import { templateProblem } from "./template-check.ts";
import type { GenerationSettings, TaskDeclaration, TemplateSource } from "./types.ts";

/** The code form of a task: the YAML fields, with items or a dataset path. */
export interface DefineTaskOptions {
  suite?: string;
  id: string;
  description?: string;
  prompt: string;
  system?: string;
  target?: string;
  references?: string;
  /** Multiple choice by log-likelihood: an item field holding the options, or one list. */
  choices?: string | string[];
  /** `loglikelihood`: score the target as a continuation of the prompt (perplexity). */
  outputType?: "generate" | "loglikelihood";
  items?: Record<string, unknown>[];
  dataset?: string;
  exemplars?: Record<string, unknown>[] | string;
  strategies?: (string | ({ name: string; label?: string; generation?: GenerationSettings } & Record<string, unknown>))[];
  scorers: (string | ({ name: string; label?: string } & Record<string, unknown>))[];
  /** A pairwise judge of every two contestants (model x strategy) on each item: `{ judge: { model, rubric: "preference" }, swap: true }`. */
  pairwise?: { judge: Record<string, unknown>; swap?: boolean; label?: string };
  tags?: string[];
  generation?: GenerationSettings;
  repeats?: number;
  /** Also report pass@k for these k (needs repeats >= k). */
  passAt?: number[];
  cluster?: string;
}

/**
 * Declare a task in code. Example:
 * `defineTask({ id: "capitals", items: [{ country: "France", answer: "Paris" }], prompt: "Capital of {{country}}?", target: "{{answer}}", scorers: ["exact-match"] })`
 */
export function defineTask(options: DefineTaskOptions): TaskDeclaration {
  const problems: string[] = [];
  const where = `defineTask(${options.id})`;
  const at = (...path: (string | number)[]) =>
    `${where} ${path
      .map((x) => (typeof x === "number" ? `[${x}]` : `.${x}`))
      .join("")
      .replace(/^\./, "")}`;
  const strategiesOut = strategySpecs(options.strategies ?? ["zero-shot"], at, problems, {
    multipleChoice: options.choices !== undefined || options.outputType === "loglikelihood",
  });
  const scorersOut = scorerSpecs(options.scorers, at, problems);
  const pairwise = pairwiseSpec(options.pairwise, scorersOut, at, problems);
  checkSelectors(strategiesOut, scorersOut, at, problems);
  const sources: Record<"prompt" | "target", TemplateSource> = {
    prompt: { file: where, field: "prompt" },
    target: { file: where, field: "target" },
  };
  for (const field of ["prompt", "target"] as const) {
    const template = options[field];
    const problem = typeof template === "string" ? templateProblem(template, sources[field]) : null;
    if (problem) problems.push(problem);
  }
  const generation = generationSchema.safeParse(options.generation ?? {});
  if (!generation.success) problems.push(...generation.error.issues.map((i) => `${where} generation.${i.path.join(".")}: ${i.message}`));
  if ((options.items === undefined) === (options.dataset === undefined)) problems.push(`${where}: give exactly one of items or dataset`);
  for (const k of options.passAt ?? []) {
    if (k > (options.repeats ?? 1))
      problems.push(`${where} passAt: pass@${k} needs at least ${k} samples per item (repeats: ${options.repeats ?? 1})`);
  }
  if (problems.length) throw new ValidationError(problems);
  return {
    suite: options.suite ?? "code",
    id: options.id,
    description: options.description,
    prompt: options.prompt,
    system: options.system,
    target: options.target,
    references: options.references,
    choices: options.choices,
    outputType: options.outputType,
    items: options.items,
    dataset: options.dataset,
    exemplars: typeof options.exemplars === "string" ? options.exemplars : undefined,
    exemplarItems: Array.isArray(options.exemplars) ? options.exemplars : undefined,
    strategies: strategiesOut,
    scorers: scorersOut,
    pairwise,
    tags: options.tags ?? [],
    generation: generation.success ? generation.data : {},
    repeats: options.repeats ?? 1,
    passAt: options.passAt,
    clusterField: options.cluster,
    location: where,
    suiteVersion: "1",
    sources: {
      prompt: sources.prompt,
      target: options.target === undefined ? undefined : sources.target,
      strategies: strategiesOut.map((_, s) => at("strategies", s)),
    },
  };
}
