// JSON-schema constrained output and top log-probs for the local backend: a schema becomes a
// llama.cpp grammar (cached per schema), and a token probability map becomes the top N.
import type { GbnfJsonSchema, Llama, LlamaGrammar, Token } from "node-llama-cpp";
import { ProviderError } from "../errors.ts";

/** Integer ranges up to this many values become an enum the grammar can enforce. */
const MAX_ENUM_RANGE = 1000;

const TYPES = new Set(["string", "number", "integer", "boolean", "null", "object", "array"]);
/** Keys whose values are schemas, or maps or lists of schemas. */
const SCHEMA_KEYS = new Set(["items", "additionalProperties"]);
const SCHEMA_MAP_KEYS = new Set(["properties", "$defs"]);
const SCHEMA_LIST_KEYS = new Set(["oneOf", "prefixItems"]);

/**
 * The schema as node-llama-cpp's grammar builder reads it. Its integer terminal ignores
 * `minimum`/`maximum`, so a bounded integer (a judge's scale) becomes the enum of its values:
 * the grammar then admits exactly the scale. `anyOf` becomes `oneOf` (for generation both are
 * the union). The builder turns a node it does not know (no type, an unknown type, allOf) into
 * `null` without a word, so those throw here instead, with the node's path. Constraints a
 * grammar cannot hold (pattern, unbounded minimum) are not enforced: callers validate.
 */
export function grammarSchema(schema: unknown, path = "#"): unknown {
  if (!schema || typeof schema !== "object" || Array.isArray(schema)) throw new Error(`${path} is not a schema object`);
  const node = { ...(schema as Record<string, unknown>) };
  if (node.anyOf !== undefined && node.oneOf === undefined) {
    node.oneOf = node.anyOf;
    delete node.anyOf;
  }
  if (node.allOf !== undefined || node.not !== undefined || node.if !== undefined)
    throw new Error(
      `${path} uses ${node.allOf !== undefined ? "allOf" : node.not !== undefined ? "not" : "if"}, which a llama.cpp grammar cannot express`,
    );
  const types = Array.isArray(node.type) ? node.type : node.type === undefined ? [] : [node.type];
  const unknown = types.find((t) => typeof t !== "string" || !TYPES.has(t));
  if (unknown !== undefined) throw new Error(`${path} has the unknown type ${JSON.stringify(unknown)}`);
  if (!types.length && ["const", "enum", "oneOf", "$ref"].every((key) => node[key] === undefined))
    throw new Error(`${path} has no type, const, enum, oneOf/anyOf or $ref: a llama.cpp grammar needs one`);
  const range = integerRange(node);
  if (range) {
    const { type: _type, minimum: _min, maximum: _max, exclusiveMinimum: _emin, exclusiveMaximum: _emax, ...rest } = node;
    return { ...rest, enum: Array.from({ length: range.hi - range.lo + 1 }, (_, i) => range.lo + i) };
  }
  for (const [key, value] of Object.entries(node)) {
    if (SCHEMA_KEYS.has(key) && value && typeof value === "object") node[key] = grammarSchema(value, `${path}/${key}`);
    else if (SCHEMA_MAP_KEYS.has(key) && value && typeof value === "object")
      node[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, grammarSchema(sub, `${path}/${key}/${name}`)]));
    else if (SCHEMA_LIST_KEYS.has(key) && Array.isArray(value))
      node[key] = value.map((sub, i) => grammarSchema(sub, `${path}/${key}/${i}`));
  }
  return node;
}

function integerRange(node: Record<string, unknown>): { lo: number; hi: number } | undefined {
  if (node.type !== "integer" || node.enum !== undefined || node.const !== undefined) return undefined;
  const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
  const lo = Math.max(num(node.minimum) ?? -Infinity, (num(node.exclusiveMinimum) ?? -Infinity) + 1);
  const hi = Math.min(num(node.maximum) ?? Infinity, (num(node.exclusiveMaximum) ?? Infinity) - 1);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return undefined;
  const [from, to] = [Math.ceil(lo), Math.floor(hi)];
  return to >= from && to - from < MAX_ENUM_RANGE ? { lo: from, hi: to } : undefined;
}

/** Grammars built once per schema (by its JSON text) for one Llama runtime. */
export class GrammarCache {
  private readonly grammars = new Map<string, Promise<LlamaGrammar>>();

  constructor(private readonly llama: Llama) {}

  /** The grammar for a JSON schema; a schema llama.cpp cannot express is a non-retryable ProviderError. */
  get(schema: Record<string, unknown>): Promise<LlamaGrammar> {
    const key = JSON.stringify(schema);
    let grammar = this.grammars.get(key);
    if (!grammar) {
      // The schema is only known at run time; the builder's generic typing is for literal schemas.
      const create = this.llama.createGrammarForJsonSchema.bind(this.llama) as (schema: GbnfJsonSchema) => Promise<LlamaGrammar>;
      grammar = Promise.resolve()
        .then(() => create(grammarSchema(schema) as GbnfJsonSchema))
        .catch((error: unknown) => {
          this.grammars.delete(key);
          throw new ProviderError(
            `cannot build a llama.cpp grammar from the response schema: ${error instanceof Error ? error.message : String(error)}`,
            { retryable: false, cause: error },
          );
        });
      this.grammars.set(key, grammar);
    }
    return grammar;
  }
}

/**
 * The N most probable tokens of a probability map, most probable first, as log-probs.
 * Tokens of probability 0 (masked by a grammar or truncated away) are left out, so fewer than N may come back.
 */
export function topTokens(probabilities: ReadonlyMap<Token, number>, n: number): { token: Token; logprob: number }[] {
  const top: { token: Token; p: number }[] = [];
  for (const [token, p] of probabilities) {
    if (!(p > 0)) continue;
    if (top.length === n && p <= top[n - 1].p) continue;
    let at = top.length;
    while (at > 0 && top[at - 1].p < p) at--;
    top.splice(at, 0, { token, p });
    if (top.length > n) top.pop();
  }
  return top.map(({ token, p }) => ({ token, logprob: Math.log(p) }));
}

/**
 * Whether grammar-constrained output is finished: the grammar admits only whitespace after a
 * complete JSON value, so generation stops as soon as the text parses.
 */
export function isCompleteJson(text: string): boolean {
  const end = text.trimEnd().at(-1);
  if (end !== "}" && end !== "]" && end !== '"') return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
