// defineTask: declare a task in TypeScript instead of YAML, validated by the same schema.
import { ValidationError } from "../errors.ts";
import { scorerFactories } from "../score/metrics/index.ts";
import { strategies } from "../strategy/index.ts";
import { generationSchema } from "./schema.ts";
import type { GenerationSettings, TaskDeclaration } from "./types.ts";

/** The code form of a task: the YAML fields, with items or a dataset path. */
export interface DefineTaskOptions {
  suite?: string;
  id: string;
  description?: string;
  prompt: string;
  system?: string;
  target?: string;
  references?: string;
  items?: Record<string, unknown>[];
  dataset?: string;
  exemplars?: Record<string, unknown>[] | string;
  strategies?: (string | ({ name: string; label?: string; generation?: GenerationSettings } & Record<string, unknown>))[];
  scorers: (string | ({ name: string } & Record<string, unknown>))[];
  tags?: string[];
  generation?: GenerationSettings;
  repeats?: number;
  cluster?: string;
}

/**
 * Declare a task in code. Example:
 * `defineTask({ id: "capitals", items: [{ country: "France", answer: "Paris" }], prompt: "Capital of {{country}}?", target: "{{answer}}", scorers: ["exact-match"] })`
 */
export function defineTask(options: DefineTaskOptions): TaskDeclaration {
  const problems: string[] = [];
  const where = `defineTask(${options.id})`;
  const strategySpecs = (options.strategies ?? ["zero-shot"]).map((entry, s) => {
    const { name, label, generation, ...rest } = typeof entry === "string" ? { name: entry } : entry;
    const strategy = strategies[name];
    if (!strategy) {
      problems.push(`${where} strategies[${s}]: unknown strategy "${name}"`);
      return undefined;
    }
    const parsed = strategy.options.safeParse(rest);
    if (!parsed.success) {
      problems.push(...parsed.error.issues.map((i) => `${where} strategies[${s}].${i.path.join(".")}: ${i.message}`));
      return undefined;
    }
    return { label: label ?? name, kind: strategy.kind, options: parsed.data as Record<string, unknown>, generation: generation ?? {} };
  });
  const scorerSpecs = options.scorers.map((entry, s) => {
    const { name, ...args } = typeof entry === "string" ? { name: entry } : entry;
    if (!scorerFactories[name]) problems.push(`${where} scorers[${s}]: unknown scorer "${name}"`);
    else scorerFactories[name](args);
    return { name, args };
  });
  const generation = generationSchema.safeParse(options.generation ?? {});
  if (!generation.success) problems.push(...generation.error.issues.map((i) => `${where} generation.${i.path.join(".")}: ${i.message}`));
  if ((options.items === undefined) === (options.dataset === undefined)) problems.push(`${where}: give exactly one of items or dataset`);
  if (problems.length) throw new ValidationError(problems);
  return {
    suite: options.suite ?? "code",
    id: options.id,
    description: options.description,
    prompt: options.prompt,
    system: options.system,
    target: options.target,
    references: options.references,
    items: options.items,
    dataset: options.dataset,
    exemplars: typeof options.exemplars === "string" ? options.exemplars : undefined,
    exemplarItems: Array.isArray(options.exemplars) ? options.exemplars : undefined,
    strategies: strategySpecs.filter((s) => s !== undefined),
    scorers: scorerSpecs,
    tags: options.tags ?? [],
    generation: generation.success ? generation.data : {},
    repeats: options.repeats ?? 1,
    clusterField: options.cluster,
    location: where,
    suiteVersion: "1",
  };
}
