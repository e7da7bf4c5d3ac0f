// Validates a scorer's arguments with its strict zod schema (see parse-options.ts).
import type { z } from "zod";
import { OptionsError, parseOptions } from "../../parse-options.ts";

/**
 * Parse `raw` with `schema`, or throw an OptionsError listing each bad field of scorer `name`.
 * `hints` maps option names that are not accepted (an old spelling, an unsupported reference
 * option) to what to say instead of the plain "unknown option".
 * @example scorerArgs(z.strictObject({ use_stemmer: z.boolean().default(false) }), args, "rougeL", { stem: 'use "use_stemmer"' })
 */
export function scorerArgs<T>(schema: z.ZodType<T>, raw: Record<string, unknown>, name: string, hints: Record<string, string> = {}): T {
  try {
    return parseOptions(schema, raw, `scorer ${name}`);
  } catch (error) {
    if (!(error instanceof OptionsError) || !error.issues.some((i) => hintFor(hints, i.path))) throw error;
    throw new OptionsError(
      `scorer ${name}`,
      error.issues.map((i) => {
        const hint = hintFor(hints, i.path);
        return hint ? { path: i.path, message: `unknown option; ${hint}` } : i;
      }),
    );
  }
}

function hintFor(hints: Record<string, string>, path: (string | number)[]): string | undefined {
  return path.length === 1 && Object.hasOwn(hints, path[0]) ? hints[path[0]] : undefined;
}
