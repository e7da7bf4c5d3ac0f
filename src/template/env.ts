// The handlebars environment: strict (a missing variable is an error, never ""),
// no HTML escaping (prompts are plain text), a few helpers, strategy templates from prompts/.
import Handlebars from "handlebars";
import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { readTextFile } from "../text-file.ts";

/** The private handlebars instance every template of assay compiles with. */
export const hb = Handlebars.create();

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

/** Any other failure while rendering (a helper or a lookup that cannot work on this item's data). */
export class TemplateRenderError extends Error {}

// Data is plain JSON: a name that is not an own field (`constructor`, `toString`) is denied
// silently instead of handlebars logging a warning to stderr on every run; prepareTask reports
// such names as missing fields (template/variables.ts).
const runtimeOptions: Handlebars.RuntimeOptions = { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false };

/** Compile a template; rendering throws MissingVariableError for a missing field, TemplateRenderError otherwise. */
export function compileTemplate(source: string): RenderFn {
  const compiled = hb.compile(source, { strict: true, noEscape: true });
  const render: RenderFn = (context) => {
    try {
      return compiled(context, runtimeOptions);
    } catch (error) {
      const match = /"([^"]+)" not defined/.exec((error as Error).message);
      if (match) throw new MissingVariableError(match[1]);
      throw new TemplateRenderError(`template error: ${(error as Error).message.split("\n")[0]}`, { cause: error });
    }
  };
  return simpleTemplate(source, render) ?? render;
}

/**
 * Most prompts are text with plain `{{field}}` / `{{{field}}}` substitutions (the zero-shot
 * wrapper is just `{{{prompt}}}`). For those, concatenate directly: handlebars' runtime set-up
 * per call costs more than the substitution. Only string and number fields take this path;
 * anything else (missing, null, booleans, arrays, objects, functions) goes through handlebars,
 * so results and errors are exactly handlebars'. Returns undefined for any other template.
 */
function simpleTemplate(source: string, fallback: RenderFn): RenderFn | undefined {
  let program: hbs.AST.Program;
  try {
    program = hb.parse(source);
  } catch {
    return undefined;
  }
  const texts: string[] = [];
  const names: string[] = [];
  let text = "";
  for (const statement of program.body) {
    if (statement.type === "ContentStatement") text += (statement as hbs.AST.ContentStatement).value;
    else if (statement.type === "MustacheStatement") {
      const m = statement as hbs.AST.MustacheStatement;
      const path = m.path as hbs.AST.PathExpression;
      if (path.type !== "PathExpression" || path.data || path.depth !== 0 || path.parts.length !== 1 || path.original !== path.parts[0]) return undefined;
      if (m.params.length || m.hash || Object.hasOwn(hb.helpers, path.parts[0])) return undefined;
      texts.push(text);
      names.push(path.parts[0] as string);
      text = "";
    } else return undefined;
  }
  texts.push(text);
  // Handlebars joins a template's pieces with `+`, so a template opening with two adjacent
  // number fields adds them ("{{a}}{{b}}" with 1 and 2 gives "3"); leave that to handlebars.
  if (names.length > 1 && texts[0] === "" && texts[1] === "") return undefined;
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
  try {
    hb.precompile(source, { strict: true });
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
export const promptsDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "prompts");

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
