// Validates a scorer's arguments with its zod schema; problems become one UserError.
import type { z } from "zod";
import { UserError } from "../../errors.ts";

/** Parse `raw` with `schema`, or throw a UserError listing each bad field of scorer `name`. */
export function scorerArgs<T>(schema: z.ZodType<T>, raw: Record<string, unknown>, name: string): T {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.length ? i.path.join(".") : "(args)"}: ${i.message}`);
  throw new UserError(`scorer ${name}: ${problems.join("; ")}`, { code: "E_SCORER_ARGS" });
}
