// JSON.parse for one data line that also refuses duplicate keys (`{"a": 1, "a": 2}` would
// silently keep the last). Cheap on the common path: every key is a quote and a colon, so
// when the text has no more `":` than the parsed value has keys, no key can repeat; only
// otherwise (a repeat, or `":` inside a string) are the string tokens scanned.

/** A data line whose object repeats a key. */
export class DuplicateKeyError extends Error {
  constructor(readonly key: string) {
    super(`duplicate key "${key}"`);
    this.name = "DuplicateKeyError";
  }
}

// Every string literal, with the colon after it when it is a key. Outside strings valid
// JSON has no quotes, so matching string after string from the left never starts inside one.
const stringToken = /"(?:[^"\\]|\\.)*"(\s*:)?/g;

/**
 * Parse JSON text; throws SyntaxError for bad JSON and DuplicateKeyError when an object
 * (at any depth) has the same key twice.
 * @example parseJsonLine('{"a": 1, "b": [2]}') // { a: 1, b: [2] }
 */
export function parseJsonLine(text: string): unknown {
  const value = JSON.parse(text);
  if (typeof value !== "object" || value === null) return value;
  const keys = keyCount(value);
  if (quoteColons(text) <= keys) return value;
  let spelled = 0;
  stringToken.lastIndex = 0;
  for (let m = stringToken.exec(text); m !== null; m = stringToken.exec(text)) if (m[1] !== undefined) spelled++;
  if (spelled !== keys) {
    const key = duplicateKey(text);
    if (key !== undefined) throw new DuplicateKeyError(key);
  }
  return value;
}

/** Colons whose previous non-blank character is a quote: at least one per key token. */
function quoteColons(text: string): number {
  let n = 0;
  for (let i = text.indexOf(":"); i !== -1; i = text.indexOf(":", i + 1)) {
    let j = i - 1;
    while (j >= 0 && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9 || text.charCodeAt(j) === 10 || text.charCodeAt(j) === 13)) j--;
    if (text.charCodeAt(j) === 34) n++;
  }
  return n;
}

function keyCount(value: unknown): number {
  if (typeof value !== "object" || value === null) return 0;
  let n = 0;
  if (Array.isArray(value)) {
    for (const v of value) if (typeof v === "object" && v !== null) n += keyCount(v);
    return n;
  }
  for (const key in value) {
    n++;
    const v = (value as Record<string, unknown>)[key];
    if (typeof v === "object" && v !== null) n += keyCount(v);
  }
  return n;
}

/** The first key repeated within one object of (valid) JSON text. */
function duplicateKey(text: string): string | undefined {
  const scopes: (Set<string> | null)[] = [];
  const token = /("(?:[^"\\]|\\.)*")(\s*:)?|[{}[\]]/g;
  for (let m = token.exec(text); m !== null; m = token.exec(text)) {
    if (m[0] === "{") scopes.push(new Set());
    else if (m[0] === "[") scopes.push(null);
    else if (m[0] === "}" || m[0] === "]") scopes.pop();
    else if (m[2] !== undefined) {
      const key = JSON.parse(m[1]) as string;
      const scope = scopes[scopes.length - 1];
      if (scope?.has(key)) return key;
      scope?.add(key);
    }
  }
  return undefined;
}
