// JSON-schema constrained output and top log-probs for the local backend: a schema becomes a
// llama.cpp grammar (cached per schema), and a token probability map becomes the top N.
import type { GbnfJsonSchema, Llama, LlamaGrammar, Token } from "node-llama-cpp";
import { ProviderError } from "../errors.ts";

/** Integer ranges up to this many values become an enum the grammar can enforce. */
const MAX_ENUM_RANGE = 1000;

/**
 * The schema as node-llama-cpp's grammar builder reads it. Its integer terminal ignores
 * `minimum`/`maximum`, so a bounded integer (a judge's scale) becomes the enum of its values:
 * the grammar then admits exactly the scale. Everything else passes through unchanged.
 */
export function grammarSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(grammarSchema);
  if (!schema || typeof schema !== "object") return schema;
  const node = schema as Record<string, unknown>;
  const range = integerRange(node);
  if (range) {
    const { type: _type, minimum: _min, maximum: _max, exclusiveMinimum: _emin, exclusiveMaximum: _emax, ...rest } = node;
    return { ...rest, enum: Array.from({ length: range.hi - range.lo + 1 }, (_, i) => range.lo + i) };
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = key === "enum" || key === "const" ? value : grammarSchema(value);
  return out;
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
      grammar = create(grammarSchema(schema) as GbnfJsonSchema).catch((error: unknown) => {
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
