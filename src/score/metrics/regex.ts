// regex: the output matches a pattern (given in the scorer args, or each reference as a pattern).
import { z } from "zod";
import { UserError } from "../../errors.ts";
import { scorerArgs } from "./args.ts";
import type { ScorerFactory } from "../types.ts";

const args = z
  .object({ pattern: z.string().optional(), flags: z.string().default(""), field: z.enum(["output", "answer"]).default("output") })
  .strict();

/** `regex`: 1 when the output matches `pattern` (or, without one, any reference read as a pattern). */
export const regexScorer: ScorerFactory = (raw) => {
  const opts = scorerArgs(args, raw, "regex");
  const compile = (source: string) => {
    try {
      return new RegExp(source, opts.flags);
    } catch (error) {
      throw new UserError(`scorer regex: invalid pattern /${source}/: ${(error as Error).message}`, { code: "E_SCORER_ARGS" });
    }
  };
  const fixed = opts.pattern !== undefined ? compile(opts.pattern) : undefined;
  return {
    name: "regex",
    spec: { name: "regex", args: raw },
    binary: true,
    score({ output, answer, targets }) {
      const text = (opts.field === "answer" ? answer : output) ?? "";
      const patterns = fixed ? [fixed] : targets.map(compile);
      return { value: patterns.some((p) => p.test(text)) ? 1 : 0 };
    },
  };
};
