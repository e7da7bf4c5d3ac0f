// includes: the output contains a reference (optionally ignoring case).
import { z } from "zod";
import { scorerArgs } from "./args.ts";
import type { ScorerFactory } from "../types.ts";

const args = z.object({ ignore_case: z.boolean().default(true), field: z.enum(["output", "answer"]).default("output") }).strict();

/** `includes`: 1 when the raw output (or the extracted answer) contains any reference. */
export const includesScorer: ScorerFactory = (raw) => {
  const opts = scorerArgs(args, raw, "includes");
  const fold = (s: string) => (opts.ignore_case ? s.toLowerCase() : s);
  return {
    name: "includes",
    spec: { name: "includes", args: raw },
    binary: true,
    score({ output, answer, targets }) {
      const text = fold((opts.field === "answer" ? answer : output) ?? "");
      return { value: targets.some((t) => t !== "" && text.includes(fold(t))) ? 1 : 0 };
    },
  };
};
