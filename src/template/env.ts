// The handlebars environment: strict (a missing variable is an error, never ""),
// no HTML escaping (prompts are plain text), a few helpers, strategy templates from prompts/.
// Handlebars (~30 ms to load) is loaded only for templates that are more than text with
// plain `{{field}}` substitutions, which most task prompts are.
import type Handlebars from "handlebars";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { join } from "node:path";
import { readTextFile } from "../text-file.ts";
import { packagePath } from "../package-paths.ts";

const helpers: Record<string, (...args: unknown[]) => unknown> = {
  letter: (index: unknown) => String.fromCharCode(65 + Number(index)),
  join: (list: unknown, separator: unknown) =>
    Array.isArray(list) ? list.join(typeof separator === "string" ? separator : ", ") : String(list ?? ""),
  json: (value: unknown) => JSON.stringify(value),
  upper: (value: unknown) => String(value).toUpperCase(),
  lower: (value: unknown) => String(value).toLowerCase(),
};

let instance: typeof Handlebars | undefined;
/** The private handlebars instance every template of assay compiles with (loaded on first use). */
export function handlebars(): typeof Handlebars {
  if (!instance) {
    const loaded = createRequire(import.meta.url)("handlebars") as typeof Handlebars;
    instance = loaded.create();
    for (const [name, helper] of Object.entries(helpers)) instance.registerHelper(name, helper);
  }
  return instance;
}

export type RenderFn = (context: Record<string, unknown>) => string;

/** Thrown by a compiled template when the item lacks a variable the template names. */
export class MissingVariableError extends Error {
  constructor(readonly variable: string) {
    super(`template variable "${variable}" is not defined`);
  }
}

/** Any other failure while rendering (a helper or a lookup that cannot work on this item's data). */
export class TemplateRenderError extends Error {}

// Data is plain JSON: a name that is not an own field (`constructor`, `toString`) is denied
// silently instead of handlebars logging a warning to stderr on every run; prepareTask reports
// such names as missing fields (template/variables.ts).
const runtimeOptions: Handlebars.RuntimeOptions = { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false };

/** Compile a template; rendering throws MissingVariableError for a missing field, TemplateRenderError otherwise. */
export function compileTemplate(source: string): RenderFn {
  const plain = plainTemplate(source);
  // A plain template is compiled by handlebars only if a value needs it (not a string or number).
  let compiled: HandlebarsTemplateDelegate | undefined;
  const render: RenderFn = (context) => {
    compiled ??= handlebars().compile(source, { strict: true, noEscape: true });
    try {
      return compiled(context, runtimeOptions);
    } catch (error) {
      const match = /"([^"]+)" not defined/.exec((error as Error).message);
      if (match) throw new MissingVariableError(match[1]);
      throw new TemplateRenderError(`template error: ${(error as Error).message.split("\n")[0]}`, { cause: error });
    }
  };
  if (!plain) compiled = handlebars().compile(source, { strict: true, noEscape: true });
  return plain ? substitution(plain, render) : render;
}

/** A template made only of text and plain fields: the text pieces around each field. */
export interface PlainTemplate {
  texts: string[];
  names: string[];
}

// Names that are not fields when written alone: literals, `this`, handlebars' built-in helpers.
const notFields = new Set([
  "this",
  "else",
  "true",
  "false",
  "null",
  "undefined",
  "if",
  "unless",
  "each",
  "with",
  "lookup",
  "log",
  "helperMissing",
  "blockHelperMissing",
]);
const plainField = /\{\{\{[ \t]*([A-Za-z_][A-Za-z0-9_]*)[ \t]*\}\}\}|\{\{[ \t]*([A-Za-z_][A-Za-z0-9_]*)[ \t]*\}\}/g;

/**
 * Most prompts are text with plain `{{field}}` / `{{{field}}}` substitutions (the zero-shot
 * wrapper is just `{{{prompt}}}`). Recognised without handlebars, conservatively: every
 * `{{` must open such a field, none may be escaped (`\{{`), and the name must not be a
 * helper, a literal or `this`, nor be preceded by `{` or followed by `}`. Undefined for anything else. Handlebars joins a template's
 * pieces with `+`, so a template opening with two adjacent fields would add two numbers
 * ("{{a}}{{b}}" with 1 and 2 gives "3"): that one is left to handlebars too.
 */
export function plainTemplate(source: string): PlainTemplate | undefined {
  if (source.includes("\\{{")) return undefined;
  const texts: string[] = [];
  const names: string[] = [];
  let at = 0;
  plainField.lastIndex = 0;
  for (let m = plainField.exec(source); m !== null; m = plainField.exec(source)) {
    const text = source.slice(at, m.index);
    // Handlebars reads "{" + "{{a}}" as "{{{a}}" (a triple-stache left open): no "{" may precede a field.
    if (text.includes("{{") || text.endsWith("{")) return undefined;
    const name = m[1] ?? m[2];
    if (notFields.has(name) || Object.hasOwn(helpers, name)) return undefined;
    texts.push(text);
    names.push(name);
    at = m.index + m[0].length;
    // Handlebars reads "{{a}}}" as "{{a" closed by "}}}" (a syntax error): no "}" may follow a field.
    if (source[at] === "}") return undefined;
  }
  const rest = source.slice(at);
  if (rest.includes("{{")) return undefined;
  texts.push(rest);
  if (names.length > 1 && texts[0] === "" && texts[1] === "") return undefined;
  return { texts, names };
}

/**
 * Render a plain template by direct concatenation: handlebars' runtime set-up per call costs
 * more than the substitution. Only string and number fields take this path; anything else
 * (missing, null, booleans, arrays, objects, functions) goes to `fallback` (handlebars), so
 * results and errors are exactly handlebars'.
 */
function substitution({ texts, names }: PlainTemplate, fallback: RenderFn): RenderFn {
  if (names.length === 0) {
    const text = texts[0];
    return () => text;
  }
  if (names.length === 1 && texts[0] === "" && texts[1] === "") {
    const name = names[0];
    return (context) => {
      const value = Object.hasOwn(context, name) ? context[name] : undefined;
      if (typeof value === "string") return value;
      return typeof value === "number" ? String(value) : fallback(context);
    };
  }
  return (context) => {
    let out = texts[0];
    for (let i = 0; i < names.length; i++) {
      const value = Object.hasOwn(context, names[i]) ? context[names[i]] : undefined;
      if (typeof value === "string") out += value;
      else if (typeof value === "number") out += String(value);
      else return fallback(context);
      out += texts[i + 1];
    }
    return out;
  };
}

/** A template syntax error: the parser's whole message and, when it gives one, the 1-based line in the template. */
export interface TemplateSyntaxError {
  message: string;
  line?: number;
}

/**
 * Check a template's syntax without rendering; null when it compiles. The message is
 * handlebars' whole text (the excerpt, its caret and what was expected), without its
 * "Parse error on line N:" header, whose line is returned as `line`.
 */
export function templateSyntaxError(source: string): TemplateSyntaxError | null {
  if (plainTemplate(source)) return null;
  try {
    handlebars().precompile(source, { strict: true });
    return null;
  } catch (error) {
    const e = error as Error & { lineNumber?: number; column?: number };
    const header = /^Parse error on line (\d+):\n/.exec(e.message);
    if (header) return { message: e.message.slice(header[0].length), line: Number(header[1]) };
    // Compiler errors ("if doesn't match each - 1:3") carry the line and column themselves.
    return { message: e.message.replace(/ - \d+:\d+$/, ""), line: e.lineNumber };
  }
}

/** The directory holding the bundled prompts/ (strategies/, autoraters/). */
export const promptsDir = packagePath("prompts");

const cache = new Map<string, { render: RenderFn; sha256: string; source: string }>();

/** Load and compile a bundled template such as `strategies/few-shot.hbs` (cached). */
export function bundledTemplate(name: string): { render: RenderFn; sha256: string; source: string } {
  let entry = cache.get(name);
  if (!entry) {
    const source = readTextFile(join(promptsDir, name), join("prompts", name), { what: "bundled template" });
    entry = { render: compileTemplate(source), sha256: sha256(source), source };
    cache.set(name, entry);
  }
  return entry;
}

/** Hex SHA-256 of a string. */
export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
