// parseJsonLine: JSON.parse's value, and a DuplicateKeyError exactly when some object repeats a key.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DuplicateKeyError, parseJsonLine } from "../../src/suite/json-line.ts";
import "../property/seed.ts";

/** Keys and strings that stress the scanner: quotes, colons, escapes, braces. */
const tricky = fc.constantFrom("a", "b", '"', ":", '":', "\\", "{", "}", "[", "é", "a b", "__proto__", " : ");
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.integer(),
    tricky,
    fc.string(),
    fc.constant(null),
    tie("object"),
    fc.array(tie("value"), { maxLength: 3 }),
  ),
  object: fc.array(fc.tuple(fc.oneof(tricky, fc.string({ maxLength: 3 })), tie("value")), { maxLength: 4 }),
})).object;

/** Serialise key/value pairs as written, repeats included, with random spacing around colons. */
function write(pairs: unknown, space: string): string {
  if (Array.isArray(pairs) && pairs.every((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === "string")) {
    return `{${(pairs as [string, unknown][]).map(([k, v]) => `${JSON.stringify(k)}${space}:${space}${write(v, space)}`).join(",")}}`;
  }
  if (Array.isArray(pairs)) return `[${pairs.map((v) => write(v, space)).join(",")}]`;
  return JSON.stringify(pairs);
}
function hasRepeat(pairs: unknown): boolean {
  if (!Array.isArray(pairs)) return false;
  if (pairs.every((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === "string")) {
    const keys = (pairs as [string, unknown][]).map(([k]) => k);
    return new Set(keys).size !== keys.length || pairs.some(([, v]) => hasRepeat(v));
  }
  return pairs.some(hasRepeat);
}

describe("parseJsonLine", () => {
  it("throws DuplicateKeyError exactly when an object repeats a key, else returns JSON.parse's value", () => {
    fc.assert(
      fc.property(json, fc.constantFrom("", " ", "\t"), (pairs, space) => {
        const text = write(pairs, space);
        if (hasRepeat(pairs)) expect(() => parseJsonLine(text)).toThrow(DuplicateKeyError);
        else expect(parseJsonLine(text)).toEqual(JSON.parse(text));
      }),
    );
  });

  it("names the repeated key and leaves other JSON alone", () => {
    expect(() => parseJsonLine('{"a": "x\\": y", "b": {"c": 1, "c" : 2}}')).toThrow('duplicate key "c"');
    expect(parseJsonLine('{"a": "x\\": y", "b": "\\":"}')).toEqual({ a: 'x": y', b: '":' });
    expect(parseJsonLine("[1, 2]")).toEqual([1, 2]);
    expect(() => parseJsonLine("{")).toThrow(SyntaxError);
  });
});
