// Judge rubrics: the built-in table (prompts/autoraters/NAME.hbs), a suite's own .hbs file, or
// inline `criteria:` text through custom.hbs; checked at load, rendered with strict handlebars.
import { existsSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import { didYouMean, UserError } from "../../errors.ts";
import { packagePath } from "../../package-paths.ts";
import { compileTemplate, handlebars, MissingVariableError, type RenderFn, sha256, templateSyntaxError } from "../../template/env.ts";
import { readTextFile } from "../../text-file.ts";

/** What a judge's spec says about its rubric (the suite's `rubric:`, `criteria:`, `rating_rubric:`). */
export interface RubricSpec {
  rubric?: string;
  criteria?: string;
  rating_rubric?: string;
}

/** Optional variables a rubric can require; the judge must be configured to give them. */
export type RubricNeed = "reference" | "context";

/** A loaded, checked rubric template. */
export interface Rubric {
  /** The built-in name, "custom", or the file name as the suite wrote it. */
  name: string;
  /** The template text. */
  source: string;
  /**
   * Hex SHA-256 naming the rubric exactly: of `source`, and for a custom rubric of its
   * criteria and rating rubric too (two suites with different criteria share custom.hbs).
   */
  sha256: string;
  /** The file, as messages show it: set for a suite's own .hbs and for built-ins (prompts/autoraters/NAME.hbs). */
  file?: string;
  /** The scale or choices a judge gets when its spec gives neither. */
  defaults: { scale?: [number, number]; choices?: Record<string, number> };
  /** Whether the template compares two responses (output_a / output_b; verdict A, B or tie). */
  pairwise: boolean;
  /** Variables the template prints unconditionally and the judge must be set up to give. */
  needs: RubricNeed[];
  /** Trusted suite text rendered as it is, not fenced: a custom rubric's criteria and rating_rubric. */
  fixed: Record<string, string>;
}

type BuiltinEntry = { defaults: Rubric["defaults"] };
const defaultScale: Rubric["defaults"] = { scale: [1, 5] };

/** The built-in rubrics a suite can name with `rubric:` (custom.hbs is chosen by `criteria:`). */
export const builtinRubrics: Readonly<Record<string, BuiltinEntry>> = {
  correctness: { defaults: defaultScale },
  helpfulness: { defaults: defaultScale },
  groundedness: { defaults: defaultScale },
  "instruction-following": { defaults: defaultScale },
  coherence: { defaults: defaultScale },
  fluency: { defaults: defaultScale },
  safety: { defaults: defaultScale },
  // Pairwise verdicts are always A, B or tie: no scale to default.
  preference: { defaults: {} },
};

const pointwiseVariables = ["input", "output", "answer", "reference", "context", "verdict_format", "scale_lo", "scale_hi", "choices"];
const pairwiseVariables = ["input", "output_a", "output_b", "answer_a", "answer_b", "reference", "context", "verdict_format"];
const customVariables = ["criteria", "rating_rubric"];
const pairwiseOnly = new Set(["output_a", "output_b", "answer_a", "answer_b"]);
const pointwiseOnly = new Set(["output", "answer", "scale_lo", "scale_hi", "choices"]);

const builtinCache = new Map<string, Rubric>();

/**
 * The rubric a judge spec names: a built-in (`correctness`), a `.hbs` file beside the suite
 * (`suiteDir`; the working directory for a suite defined in code), or `criteria:` text
 * (custom.hbs). Every mistake is a UserError: an unknown name (with did-you-mean), a
 * missing file, a syntax error or unknown variable in the template (at its file:line).
 * `location` (`suites/x.yaml:12 tasks[0].scorers[1]`) locates mistakes in the spec itself.
 * @example resolveRubric({ rubric: "correctness" }, undefined).needs // ["reference"]
 */
export function resolveRubric(spec: RubricSpec, suiteDir: string | undefined, location?: string): Rubric {
  const { rubric, criteria, rating_rubric } = spec;
  if (criteria !== undefined) {
    if (rubric !== undefined && rubric !== "custom")
      throw new UserError(`give either rubric: "${rubric}" or criteria:, not both`, { location, code: "E_RUBRIC" });
    if (criteria.trim() === "") throw new UserError("criteria: is empty", { location, code: "E_RUBRIC" });
    const template = builtin("custom");
    const fixed: Record<string, string> = { criteria };
    if (rating_rubric !== undefined) fixed.rating_rubric = rating_rubric;
    return { ...template, sha256: sha256(JSON.stringify({ template: template.source, ...fixed })), fixed };
  }
  if (rating_rubric !== undefined)
    throw new UserError("rating_rubric: goes with criteria: (a custom rubric); a rubric template has its own", {
      location,
      code: "E_RUBRIC",
    });
  if (rubric === undefined)
    throw new UserError("a judge needs rubric: (a built-in name or a .hbs file) or criteria:", { location, code: "E_RUBRIC" });
  if (rubric.endsWith(".hbs")) return fileRubric(rubric, suiteDir);
  if (rubric === "custom")
    throw new UserError('rubric "custom" takes its text from criteria: (and optionally rating_rubric:)', { location, code: "E_RUBRIC" });
  if (!Object.hasOwn(builtinRubrics, rubric)) {
    const names = Object.keys(builtinRubrics);
    throw new UserError(
      `unknown rubric "${rubric}"${didYouMean(rubric, names)} (built-in: ${names.join(", ")}; or a .hbs file beside the suite, or criteria:)`,
      { location, code: "E_RUBRIC" },
    );
  }
  return builtin(rubric);
}

/** A built-in rubric (or custom.hbs), read and checked once. */
function builtin(name: string): Rubric {
  let rubric = builtinCache.get(name);
  if (!rubric) {
    const shown = `prompts/autoraters/${name}.hbs`;
    const source = readTextFile(packagePath("prompts", "autoraters", `${name}.hbs`), shown, { what: "rubric template", code: "E_RUBRIC" });
    rubric = checked(name, source, shown, builtinRubrics[name]?.defaults ?? defaultScale, name === "custom");
    builtinCache.set(name, rubric);
  }
  return rubric;
}

/** A suite's own rubric file, relative to the suite's folder. */
function fileRubric(name: string, suiteDir: string | undefined): Rubric {
  const path = resolve(suiteDir ?? process.cwd(), name);
  const rel = relative(process.cwd(), path);
  const shown = rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
  if (!existsSync(path))
    throw new UserError(`rubric file not found (rubric: "${name}" is looked up beside the suite)`, { location: shown, code: "E_RUBRIC" });
  const source = readTextFile(path, shown, { what: "rubric template", code: "E_RUBRIC" });
  return checked(name, source, shown, {}, false);
}

/** Check a template's syntax and variables; work out whether it is pairwise and what it needs. */
function checked(name: string, source: string, shown: string, defaults: Rubric["defaults"], custom: boolean): Rubric {
  const syntax = templateSyntaxError(source);
  if (syntax)
    throw new UserError(`rubric template does not parse: ${syntax.message}`, {
      location: syntax.line ? `${shown}:${syntax.line}` : shown,
      code: "E_RUBRIC",
    });
  const used = templateVariables(source, shown);
  const pairwise = used.some((u) => pairwiseOnly.has(u.name));
  const known = new Set([...(pairwise ? pairwiseVariables : pointwiseVariables), ...(custom ? customVariables : [])]);
  for (const u of used) {
    if (known.has(u.name)) continue;
    const why =
      pairwise && pointwiseOnly.has(u.name)
        ? `a pairwise rubric (it uses output_a / output_b) cannot use {{${u.name}}}`
        : `unknown rubric variable {{${u.name}}}${didYouMean(u.name, known)} (known: ${[...known].join(", ")})`;
    throw new UserError(why, { location: `${shown}:${u.line}`, code: "E_RUBRIC" });
  }
  const needs = (["reference", "context"] as const).filter((n) => used.some((u) => u.name === n && !u.conditional));
  return { name, source, sha256: sha256(source), file: shown, defaults, pairwise, needs, fixed: {} };
}

/** A variable a template refers to, where, and whether only inside `{{#if}}` / `{{#unless}}` (so it may be absent). */
interface UsedVariable {
  name: string;
  line: number;
  conditional: boolean;
}

/**
 * Every top-level variable a template refers to: printed (`{{input}}`), tested
 * (`{{#if reference}}`) or passed to a helper (`{{join choices ", "}}`). template/variables.ts's
 * printedFields sees only printed fields, which would let `{{#if refrence}}` pass silently.
 * Paths inside `{{#each}}` / `{{#with}}` name the element, not the rubric's variables, and
 * are left out (except `../x`). An unknown helper or a partial is a UserError.
 */
function templateVariables(source: string, shown: string): UsedVariable[] {
  const hb = handlebars();
  const program = hb.parse(source);
  const out: UsedVariable[] = [];
  const fail = (message: string, node: hbs.AST.Node): never => {
    throw new UserError(message, { location: `${shown}:${node.loc.start.line}`, code: "E_RUBRIC" });
  };
  const path = (node: hbs.AST.Expression, scope: number, conditional: boolean): void => {
    if (node.type === "SubExpression") {
      call(node as hbs.AST.SubExpression, scope, conditional);
      return;
    }
    if (node.type !== "PathExpression") return;
    const p = node as hbs.AST.PathExpression;
    if (p.data || p.depth !== scope || p.parts.length === 0) return;
    out.push({ name: String(p.parts[0]), line: p.loc.start.line, conditional });
  };
  const helper = (node: hbs.AST.PathExpression) => {
    if (!Object.hasOwn(hb.helpers, node.original))
      fail(`unknown helper "${node.original}"${didYouMean(node.original, Object.keys(hb.helpers))}`, node);
  };
  const call = (node: hbs.AST.MustacheStatement | hbs.AST.SubExpression, scope: number, conditional: boolean): void => {
    const head = node.path as hbs.AST.PathExpression;
    const isCall =
      node.params.length > 0 || node.hash !== undefined || (head.type === "PathExpression" && Object.hasOwn(hb.helpers, head.original));
    if (!isCall) {
      path(node.path, scope, conditional);
      return;
    }
    if (head.type === "PathExpression") helper(head);
    for (const param of node.params) path(param, scope, conditional);
    for (const pair of node.hash?.pairs ?? []) path(pair.value, scope, conditional);
  };
  const walk = (node: hbs.AST.Program | undefined, scope: number, conditional: boolean) => {
    for (const statement of node?.body ?? []) {
      if (statement.type === "MustacheStatement") call(statement as hbs.AST.MustacheStatement, scope, conditional);
      else if (statement.type === "BlockStatement") {
        const block = statement as hbs.AST.BlockStatement;
        const head = block.path as hbs.AST.PathExpression;
        helper(head);
        const keepsContext = head.original === "if" || head.original === "unless";
        for (const param of block.params) path(param, scope, conditional || keepsContext);
        for (const pair of block.hash?.pairs ?? []) path(pair.value, scope, conditional || keepsContext);
        walk(block.program, keepsContext ? scope : scope + 1, true);
        walk(block.inverse, scope, true);
      } else if (statement.type === "PartialStatement" || statement.type === "PartialBlockStatement" || statement.type === "DecoratorBlock")
        fail("rubric templates cannot use partials or decorators", statement);
    }
  };
  walk(program, 0, false);
  return out;
}

const compiled = new Map<string, RenderFn>();
const hints: Record<string, string> = {
  reference: "set reference: true on the judge",
  context: "set context: FIELD on the judge",
  scale_lo: "this judge has choices, not a scale",
  scale_hi: "this judge has choices, not a scale",
  choices: "this judge has a scale, not choices",
};

/**
 * Render a rubric with a judge call's variables (every text one already fenced; see
 * judge-design). The compiled template is cached per rubric text. A variable the template
 * needs but `vars` lacks is a UserError at the rubric's file.
 */
export function renderRubric(rubric: Rubric, vars: Record<string, unknown>): string {
  let render = compiled.get(rubric.source);
  if (!render) {
    render = compileTemplate(rubric.source);
    compiled.set(rubric.source, render);
  }
  try {
    return render({ ...vars, ...rubric.fixed });
  } catch (error) {
    if (!(error instanceof MissingVariableError)) throw error;
    const hint = hints[error.variable];
    throw new UserError(`rubric "${rubric.name}" uses {{${error.variable}}}, which this judge does not give${hint ? ` (${hint})` : ""}`, {
      location: rubric.file ?? rubric.name,
      code: "E_RUBRIC",
      cause: error,
    });
  }
}

/** Where the built-in rubric templates are. */
export const builtinRubricsDir = packagePath("prompts", "autoraters");
