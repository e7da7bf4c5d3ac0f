// JSON validity, and validity against a JSON Schema given in the scorer args (ajv).
// Reference: RFC 8259 (JSON.parse is strict: no NaN/Infinity, no trailing commas);
// JSON Schema draft-07 by default, 2019-09 / 2020-12 when the schema's `$schema` says so.

import type AjvModule from "ajv";
import { createRequire } from "node:module";
import { UserError } from "../../errors.ts";
import { z } from "zod";
import type { ScorerFactory } from "../types.ts";
import { scorerArgs } from "./args.ts";

type AjvClass = typeof AjvModule.default;
// ajv takes ~45 ms to load: it is loaded (synchronously: it is CommonJS) only when a scorer has a schema.
const loadCommonJs = createRequire(import.meta.url);
const ajvFor = (draft: string): AjvClass => {
  const m = loadCommonJs(draft.includes("2020-12") ? "ajv/dist/2020" : draft.includes("2019-09") ? "ajv/dist/2019" : "ajv") as {
    default?: AjvClass;
  };
  return m.default ?? (m as unknown as AjvClass);
};

/** The body of a text that is one fenced code block (```json ... ```), else the text itself. */
export function stripCodeFence(text: string): string {
  const m = /^\s*```[\w-]*[ \t]*\r?\n([\s\S]*?)\r?\n?```\s*$/.exec(text);
  return m ? m[1] : text;
}

/** Parses `text` as JSON: `{ok: true, value}` or `{ok: false, error}`. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

/** Whether `text` is valid JSON. */
export function isValidJson(text: string): boolean {
  return parseJson(text).ok;
}

/** Compiles a JSON Schema into a validator returning the error list (empty when valid). */
export function compileSchema(schema: object): (value: unknown) => string[] {
  const draft = String((schema as { $schema?: string }).$schema ?? "");
  const AjvFor = ajvFor(draft);
  const ajv = new AjvFor({ allErrors: true, strict: false });
  let validate: ReturnType<typeof ajv.compile>;
  try {
    validate = ajv.compile(schema);
  } catch (e) {
    throw new UserError(`json scorer: invalid JSON Schema: ${(e as Error).message}`, { cause: e });
  }
  return (value) =>
    validate(value) ? [] : (validate.errors ?? []).map((err) => `${err.instancePath || "/"} ${err.message ?? "is invalid"}`);
}

const jsonArgs = z.strictObject({
  schema: z.record(z.string(), z.unknown(), { error: "must be a JSON Schema object" }).optional(),
  strip_fences: z.boolean().default(true),
});

/**
 * `json` scorer: 1 when the answer parses as JSON (and, with `schema`, validates), else 0.
 * Args: `schema` (a JSON Schema object), `strip_fences` (default true: accept a single ```json block).
 * @example `{name: json, schema: {type: object, required: [name]}}`
 */
export const jsonScorer: ScorerFactory = (args) => {
  const { schema, strip_fences: stripFences } = scorerArgs(jsonArgs, args, "json");
  const validate = schema ? compileSchema(schema) : undefined;
  return {
    name: "json",
    spec: { name: "json", args },
    binary: true,
    score(input) {
      if (input.answer === null) return { value: 0, explanation: "no answer extracted; scored as empty string: not valid JSON" };
      const text = stripFences ? stripCodeFence(input.answer) : input.answer;
      const parsed = parseJson(text);
      if (!parsed.ok) return { value: 0, explanation: `not valid JSON: ${parsed.error}` };
      if (!validate) return { value: 1, explanation: "valid JSON" };
      const errors = validate(parsed.value);
      return errors.length
        ? { value: 0, explanation: `valid JSON, fails the schema: ${errors.slice(0, 5).join("; ")}` }
        : { value: 1, explanation: "valid JSON, matches the schema" };
    },
  };
};
