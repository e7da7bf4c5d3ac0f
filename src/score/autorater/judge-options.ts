// A judge's options as a suite writes them, checked strictly, with its rubric resolved and
// the kind of verdict it gives (a scale, named choices).
import { resolve } from "node:path";
import { z } from "zod";
import { UserError } from "../../errors.ts";
import { generationSchema } from "../../suite/schema.ts";
import { scorerArgs } from "../metrics/args.ts";
import { type Rubric, resolveRubric } from "./rubric.ts";
import type { VerdictKind } from "./verdict.ts";

const optionsSchema = z.strictObject({
  model: z.string().min(1),
  rubric: z.string().min(1).optional(),
  criteria: z.string().min(1).optional(),
  rating_rubric: z.string().min(1).optional(),
  scale: z
    .tuple([z.int(), z.int()])
    .refine(([lo, hi]) => lo < hi, "the scale is [lowest, highest] with lowest < highest")
    .optional(),
  choices: z
    .record(z.string().min(1), z.number().min(0).max(1))
    .refine((c) => Object.keys(c).length >= 2, "give at least two choices")
    .optional(),
  reference: z.boolean().optional(),
  context: z.string().min(1).optional(),
  samples: z.int().min(1).max(100).default(1),
  reduce: z.enum(["mean", "majority"]).optional(),
  weighting: z.enum(["logprobs", "none"]).default("none"),
  top_logprobs: z.int().min(1).max(20).default(20),
  pattern: z.string().min(1).optional(),
  method: z.enum(["generate", "likelihood"]).optional(),
  system: z.string().optional(),
  concurrency: z.int().min(1).optional(),
  /** Judge only the trials of these strategies (by label); the others get no score from this judge. */
  strategies: z.array(z.string().min(1)).min(1).optional(),
  /** Another scorer of the task (e.g. exact-match) the summary reports this judge's agreement with. */
  agreement_with: z.string().min(1).optional(),
  generation: generationSchema.optional(),
  // Set by assay when the suite is loaded (not by users): the rubric file and its hash.
  rubric_file: z.string().optional(),
  rubric_sha256: z.string().optional(),
});

export type JudgeArgs = z.infer<typeof optionsSchema>;

/** A judge's checked options with its rubric and verdict kind. */
export interface JudgeConfig {
  args: JudgeArgs;
  rubric: Rubric;
  kind: VerdictKind;
  pattern?: RegExp;
  /** Scores reduce by their mean (scales) or by majority (choices, by default). */
  reduce: "mean" | "majority";
}

/**
 * Check a judge's options and resolve its rubric (`dir`: the suite's folder, where a `.hbs`
 * rubric lives). Throws an OptionsError per bad field, a UserError for a missing rubric.
 */
export function judgeConfig(raw: Record<string, unknown>, dir: string | undefined, pairwise = false): JudgeConfig {
  const args = scorerArgs(optionsSchema, raw, "judge");
  if (args.scale && args.choices) throw new UserError('give a judge "scale" or "choices", not both');
  const rubric = resolveRubric(
    args.rubric_file !== undefined
      ? { rubric: args.rubric_file }
      : { rubric: args.rubric, criteria: args.criteria, rating_rubric: args.rating_rubric },
    dir,
  );
  if (rubric.pairwise !== pairwise)
    throw new UserError(
      pairwise
        ? `rubric "${rubric.name}" judges one response; a pairwise judge needs a pairwise rubric (e.g. preference)`
        : `rubric "${rubric.name}" is pairwise: use it under the task's "pairwise:" key`,
    );
  if (pairwise && (args.scale || args.choices || args.method || args.weighting === "logprobs" || args.agreement_with || args.reduce))
    throw new UserError(
      'a pairwise judge\'s verdict is always A, B or tie: drop "scale", "choices", "method", "weighting", "reduce" and "agreement_with"',
    );
  const scale = args.scale ?? (args.choices ? undefined : rubric.defaults.scale);
  const choices = args.choices ?? (args.scale ? undefined : rubric.defaults.choices);
  const kind: VerdictKind = pairwise
    ? { kind: "pairwise" }
    : scale
      ? { kind: "scale", lo: scale[0], hi: scale[1] }
      : choices
        ? { kind: "choices", choices }
        : { kind: "scale", lo: 1, hi: 5 };
  let pattern: RegExp | undefined;
  if (args.pattern !== undefined) {
    try {
      pattern = new RegExp(args.pattern);
    } catch (error) {
      throw new UserError(`pattern is not a valid regular expression: ${(error as Error).message}`);
    }
  }
  if (args.method === "likelihood" && kind.kind !== "choices")
    throw new UserError('method "likelihood" needs "choices" (it scores each choice\'s likelihood)');
  if (args.method === "likelihood" && pattern) throw new UserError('method "likelihood" reads no reply: drop "pattern"');
  if (args.reduce === "majority" && kind.kind !== "choices")
    throw new UserError('reduce "majority" is for "choices"; a scale reduces by its mean');
  const resolved: JudgeArgs = { ...args };
  // A suite's own .hbs is recorded by its absolute path, so the run finds it from any folder.
  if (args.rubric_file === undefined && args.rubric?.endsWith(".hbs")) resolved.rubric_file = resolve(dir ?? process.cwd(), args.rubric);
  resolved.rubric_sha256 = rubric.sha256;
  // The scale or choices in force (a rubric's default included) are recorded: calibration and reports read them.
  if (kind.kind === "scale") resolved.scale = [kind.lo, kind.hi];
  if (kind.kind === "choices") resolved.choices = kind.choices;
  return { args: resolved, rubric, kind, pattern, reduce: args.reduce ?? (kind.kind === "choices" ? "majority" : "mean") };
}
