// Strict validation of a scorer's or strategy's options: every unknown, missing or bad field
// becomes one issue with its path (so suite errors can point at the field's line).
import { z } from "zod";
import { didYouMean, UserError } from "./errors.ts";

/** One problem with an options object: the field's path inside it and what is wrong. */
export interface OptionsIssue {
  path: (string | number)[];
  message: string;
}

/** Options that failed validation; `issues` carry field paths for located messages. */
export class OptionsError extends UserError {
  readonly issues: OptionsIssue[];

  constructor(what: string, issues: OptionsIssue[]) {
    super(`${what}: ${issues.map((i) => `${i.path.length ? i.path.join(".") : "(options)"}: ${i.message}`).join("; ")}`, {
      code: "E_OPTIONS",
    });
    this.name = "OptionsError";
    this.issues = issues;
  }
}

/**
 * Parse `raw` with a strict zod object schema, or throw an OptionsError listing every bad
 * field; an unknown field gets a did-you-mean from the schema's own field names.
 * @example const { lowercase } = parseOptions(z.strictObject({ lowercase: z.boolean().default(false) }), args, "scorer bleu")
 */
export function parseOptions<T>(schema: z.ZodType<T>, raw: unknown, what: string): T {
  const parsed = schema.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  const issues: OptionsIssue[] = [];
  for (const issue of parsed.error.issues) {
    const path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
    if (issue.code === "unrecognized_keys") {
      const known = knownKeys(schema, path);
      for (const key of issue.keys)
        issues.push({
          path: [...path, key],
          message: `unknown option${didYouMean(key, known)}${known.length ? ` (known: ${known.join(", ")})` : ""}`,
        });
    } else issues.push({ path, message: issue.message });
  }
  throw new OptionsError(what, issues);
}

/** The field names of the object schema at `path` inside `schema` (empty when not an object). */
function knownKeys(schema: z.ZodType, path: (string | number)[]): string[] {
  let node: z.ZodType | undefined = unwrap(schema);
  for (const part of path) {
    if (!(node instanceof z.ZodObject)) return [];
    node = unwrap((node.shape as Record<string, z.ZodType>)[String(part)]);
  }
  return node instanceof z.ZodObject ? Object.keys(node.shape) : [];
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let node = schema;
  while (node && (node instanceof z.ZodDefault || node instanceof z.ZodOptional || node instanceof z.ZodNullable))
    node = node.unwrap() as z.ZodType;
  return node;
}
