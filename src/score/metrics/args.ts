// Validates a scorer's arguments with its strict zod schema (see parse-options.ts).
import type { z } from "zod";
import { parseOptions } from "../../parse-options.ts";

/** Parse `raw` with `schema`, or throw an OptionsError listing each bad field of scorer `name`. */
export function scorerArgs<T>(schema: z.ZodType<T>, raw: Record<string, unknown>, name: string): T {
  return parseOptions(schema, raw, `scorer ${name}`);
}
