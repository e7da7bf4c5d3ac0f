// Reads dataset files (JSONL, JSON array, CSV) into items with their line numbers, reporting
// every bad line (the first 20, then a count). Per-line work is in functions a streaming
// reader can drive one line at a time (jsonlItem, csvItem, ItemKeys).
import { parse as parseCsv } from "csv-parse/sync";
import { isMap, isSeq, LineCounter, parseDocument } from "yaml";
import { UserError } from "../errors.ts";
import { readTextFile } from "../text-file.ts";
import { DuplicateKeyError, parseJsonLine } from "./json-line.ts";
import { ProblemList } from "./problems.ts";
import type { Item } from "./types.ts";

/** Read a dataset file; items are keyed by their `id` field or their 1-based line number. */
export function readDataset(path: string, shownPath: string): Item[] {
  const text = readTextFile(path, shownPath, { what: "data file", code: "E_DATA" });
  const problems = new ProblemList();
  const items = path.endsWith(".csv") ? readCsv(text, shownPath, problems) : path.endsWith(".json") ? readJsonArray(text, shownPath, problems) : readJsonl(text, shownPath, problems);
  const keys = new ItemKeys();
  for (const item of items) {
    const clash = keys.add(item);
    if (clash) problems.add(clash);
  }
  problems.throwIfAny();
  return items;
}

/** Build items from inline rows (suite `items:` or defineTask), keyed by `id` or 1-based position. */
export function inlineItems(rows: Record<string, unknown>[], where: string): Item[] {
  const problems = new ProblemList();
  const keys = new ItemKeys();
  const items: Item[] = [];
  rows.forEach((fields, i) => {
    try {
      if (!isPlainObject(fields)) throw new UserError("each item must be an object", { location: `${where}[${i}]`, code: "E_DATA" });
      const item = makeItem(fields, String(i + 1), `${where}[${i}]`);
      const clash = keys.add(item);
      if (clash) problems.add(clash);
      items.push(item);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      problems.add(error.message);
    }
  });
  problems.throwIfAny();
  return items;
}

/**
 * One JSONL line as an item (null for a blank line); a bad line throws a UserError at
 * `file:line`: invalid JSON, not an object, a repeated key, a bad id.
 */
export function jsonlItem(line: string, lineNumber: number, shownPath: string): Item | null {
  const trimmed = line.trim();
  if (trimmed === "") return null;
  const location = `${shownPath}:${lineNumber}`;
  let value: unknown;
  try {
    value = parseJsonLine(trimmed);
  } catch (error) {
    const message = error instanceof DuplicateKeyError ? `${error.message}; each key may appear once in an object` : (error as Error).message;
    throw new UserError(message, { location, code: "E_DATA" });
  }
  if (!isPlainObject(value)) throw new UserError("each line must be a JSON object", { location, code: "E_DATA" });
  return makeItem(value, String(lineNumber), location);
}

/** Item keys seen so far; `add` returns the problem when a key repeats. */
export class ItemKeys {
  private readonly seen = new Map<string, string>();

  add(item: Item): string | null {
    const first = this.seen.get(item.key);
    if (first !== undefined) return `${item.location}: duplicate item id "${item.key}" (first at ${first})`;
    this.seen.set(item.key, item.location);
    return null;
  }
}

function readJsonl(text: string, shownPath: string, problems: ProblemList): Item[] {
  const items: Item[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    try {
      const item = jsonlItem(lines[i], i + 1, shownPath);
      if (item) items.push(item);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      problems.add(error.message);
    }
  }
  return items;
}

function readJsonArray(text: string, shownPath: string, problems: ProblemList): Item[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, logLevel: "error" });
  const lineOf = (offset: number) => lineCounter.linePos(offset).line;
  if (doc.errors.length || doc.warnings.length) {
    for (const e of [...doc.errors, ...doc.warnings]) problems.add(`${shownPath}:${lineOf(e.pos[0])}: ${e.message.split("\n")[0]}`);
    return [];
  }
  if (!isSeq(doc.contents)) {
    problems.add(`${shownPath}: a .json dataset must be an array of objects`);
    return [];
  }
  const items: Item[] = [];
  for (const node of doc.contents.items) {
    const line = node && typeof node === "object" && "range" in node && node.range ? lineOf(node.range[0]) : 0;
    const location = `${shownPath}:${line}`;
    try {
      if (!isMap(node)) throw new UserError("each element must be an object", { location, code: "E_DATA" });
      items.push(makeItem(node.toJSON() as Record<string, unknown>, String(line), location));
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      problems.add(error.message);
    }
  }
  return items;
}

function readCsv(text: string, shownPath: string, problems: ProblemList): Item[] {
  const columns = (header: string[]) => {
    const seen = new Set<string>();
    for (const name of header) {
      if (seen.has(name)) problems.add(`${shownPath}:1: column "${name}" appears twice in the header`);
      seen.add(name);
    }
    return header;
  };
  const onError = (error: (Error & { lines?: number }) | undefined): undefined => {
    if (!error) return;
    const message = error.message.replace(/^Invalid Record Length: /, "").replace(/ (on|at) line \d+$/, "");
    problems.add(`${shownPath}${error.lines ? `:${error.lines}` : ""}: ${message}`);
  };
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parseCsv(text, { columns, skip_empty_lines: true, info: true, bom: true, skip_records_with_error: true, on_skip: onError }) as typeof records;
  } catch (error) {
    // What skip_records_with_error cannot skip ends the file.
    onError(error as Error & { lines?: number });
    return [];
  }
  return records.map(({ record, info }) => csvItem(record, info.lines, shownPath));
}

/** One CSV record (a row under the header) as an item at its line. */
export function csvItem(record: Record<string, string>, lineNumber: number, shownPath: string): Item {
  return makeItem(record, String(lineNumber), `${shownPath}:${lineNumber}`);
}

function makeItem(fields: Record<string, unknown>, fallbackKey: string, location: string): Item {
  const id = fields.id;
  if (id !== undefined && typeof id !== "string" && typeof id !== "number") {
    throw new UserError("field id must be a string or a number", { location, code: "E_DATA" });
  }
  return { key: id === undefined || id === "" ? fallbackKey : String(id), fields, location };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
