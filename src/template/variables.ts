// Which item fields a template prints, found from its syntax tree, so data can be checked
// before a run: every printed field exists as the item's own field and is text, not an
// object or a list (handlebars would print "[object Object]" or "a,b").
import { handlebars, plainTemplate } from "./env.ts";

/** A field a template prints directly (`{{a}}`, `{{{a.b}}}`), as its path of property names. */
export interface PrintedField {
  path: string[];
  /** Inside a block (`{{#if a}}{{a}}{{/if}}`): printed only when the block runs, so it may be absent. */
  conditional: boolean;
}

/**
 * The fields a template prints in the item's own context: top-level mustaches and those
 * inside `{{#if}}`/`{{#unless}}` (which keep the context), and the `{{else}}` of any block.
 * Helper arguments (`{{json a}}`, `{{#each a}}`) are not printed as they are and are left
 * out, as are `{{this}}`, `@data` and `../` paths. Returns [] for a template that does not parse.
 */
export function printedFields(source: string): PrintedField[] {
  const plain = plainTemplate(source);
  if (plain) return [...new Set(plain.names)].map((name) => ({ path: [name], conditional: false }));
  const hb = handlebars();
  let program: hbs.AST.Program;
  try {
    program = hb.parse(source);
  } catch {
    return [];
  }
  const out: PrintedField[] = [];
  const seen = new Set<string>();
  const walk = (node: hbs.AST.Program | undefined, conditional: boolean) => {
    for (const statement of node?.body ?? []) {
      if (statement.type === "MustacheStatement") {
        const m = statement as hbs.AST.MustacheStatement;
        const path = m.path as hbs.AST.PathExpression;
        if (path.type !== "PathExpression" || path.data || path.depth !== 0 || path.parts.length === 0) continue;
        if (m.params.length || m.hash || (path.parts.length === 1 && Object.hasOwn(hb.helpers, path.parts[0]))) continue;
        const key = `${conditional}\u0000${path.parts.join("\u0000")}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ path: path.parts.map(String), conditional });
      } else if (statement.type === "BlockStatement") {
        const block = statement as hbs.AST.BlockStatement;
        const name = (block.path as hbs.AST.PathExpression).original;
        if (name === "if" || name === "unless") walk(block.program, true);
        walk(block.inverse, true);
      }
    }
  };
  walk(program, false);
  return out;
}

/**
 * Why `fields` cannot be printed at `path`, or null when it can: a missing own field, a
 * step into something that is not an object, or an object or list where text is printed.
 * A conditional field may be absent.
 */
export function printProblem(fields: Record<string, unknown>, { path, conditional }: PrintedField): string | null {
  let value: unknown = fields;
  for (let i = 0; i < path.length; i++) {
    if (conditional && (typeof value !== "object" || value === null || !Object.hasOwn(value, path[i]))) return null;
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      return `template variable "${path.join(".")}": field "${path.slice(0, i).join(".")}" is ${describe(value)}, not an object`;
    }
    if (!Object.hasOwn(value, path[i])) {
      if (i === 0) return `template variable "${path[0]}" is not a field of this item (fields: ${Object.keys(fields).join(", ")})`;
      return `template variable "${path.join(".")}" is not defined: "${path.slice(0, i).join(".")}" has no field "${path[i]}"`;
    }
    value = (value as Record<string, unknown>)[path[i]];
  }
  const name = path.join(".");
  if (Array.isArray(value))
    return `field "${name}" is a list, which {{${name}}} prints as "${String(value).slice(0, 40)}": write {{join ${name} ", "}} or {{json ${name}}}`;
  if (typeof value === "object" && value !== null)
    return `field "${name}" is an object, which {{${name}}} prints as "[object Object]": write {{json ${name}}}`;
  return null;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return `a ${typeof value}`;
}
