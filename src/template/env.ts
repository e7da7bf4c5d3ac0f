// The handlebars environment: strict (a missing variable is an error, never ""),
// no HTML escaping (prompts are plain text), a few helpers, strategy templates from prompts/.
import Handlebars from "handlebars";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const hb = Handlebars.create();

hb.registerHelper("letter", (index: unknown) => String.fromCharCode(65 + Number(index)));
hb.registerHelper("join", (list: unknown, separator: unknown) =>
  Array.isArray(list) ? list.join(typeof separator === "string" ? separator : ", ") : String(list ?? ""),
);
hb.registerHelper("json", (value: unknown) => JSON.stringify(value));
hb.registerHelper("upper", (value: unknown) => String(value).toUpperCase());
hb.registerHelper("lower", (value: unknown) => String(value).toLowerCase());

export type RenderFn = (context: Record<string, unknown>) => string;

/** Thrown by a compiled template when the item lacks a variable the template names. */
export class MissingVariableError extends Error {
  constructor(readonly variable: string) {
    super(`template variable "${variable}" is not defined`);
  }
}

/** Compile a template; rendering throws MissingVariableError for a missing field, Error for a syntax error. */
export function compileTemplate(source: string): RenderFn {
  const compiled = hb.compile(source, { strict: true, noEscape: true });
  return (context) => {
    try {
      return compiled(context);
    } catch (error) {
      const match = /"([^"]+)" not defined/.exec((error as Error).message);
      if (match) throw new MissingVariableError(match[1]);
      throw error;
    }
  };
}

/** Check a template's syntax without rendering; returns the parser's message or null. */
export function templateSyntaxError(source: string): string | null {
  try {
    hb.precompile(source, { strict: true });
    return null;
  } catch (error) {
    return (error as Error).message.split("\n")[0];
  }
}

/** The directory holding the bundled prompts/ (strategies/, autoraters/). */
export const promptsDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "prompts");

const cache = new Map<string, { render: RenderFn; sha256: string; source: string }>();

/** Load and compile a bundled template such as `strategies/few-shot.hbs` (cached). */
export function bundledTemplate(name: string): { render: RenderFn; sha256: string; source: string } {
  let entry = cache.get(name);
  if (!entry) {
    const source = readFileSync(join(promptsDir, name), "utf8");
    entry = { render: compileTemplate(source), sha256: sha256(source), source };
    cache.set(name, entry);
  }
  return entry;
}

/** Hex SHA-256 of a string. */
export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
