// numeric: the answer's number equals the reference's within an absolute or relative tolerance.
import { z } from "zod";
import { scorerArgs } from "./args.ts";
import type { ScorerFactory } from "../types.ts";

const args = z.object({ tolerance: z.number().min(0).default(0), relative: z.boolean().default(false) }).strict();

/** The last number in `text` (thousands separators and a leading currency sign allowed), or null. */
export function parseNumber(text: string): number | null {
  const matches = text.match(/[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?|[-+]?\.\d+/g);
  if (!matches) return null;
  const value = Number(matches[matches.length - 1].replace(/,/g, ""));
  return Number.isFinite(value) ? value : null;
}

/** `numeric`: 1 when |answer - reference| <= tolerance (relative: tolerance * |reference|). */
export const numericScorer: ScorerFactory = (raw) => {
  const opts = scorerArgs(args, raw, "numeric");
  return {
    name: "numeric",
    spec: { name: "numeric", args: raw },
    binary: true,
    score({ answer, targets }) {
      const got = answer === null ? null : parseNumber(answer);
      if (got === null) return { value: 0, explanation: "no number in the answer" };
      for (const target of targets) {
        const want = parseNumber(target);
        if (want === null) continue;
        const bound = opts.relative ? opts.tolerance * Math.abs(want) : opts.tolerance;
        if (Math.abs(got - want) <= bound) return { value: 1 };
      }
      return { value: 0, explanation: `got ${got}` };
    },
  };
};
