// Reads dataset files into items keyed by their `id` field or line number, reporting
// every bad line (the first 20, then a count). JSONL and CSV are streamed line by line, so
// a dataset of any size is validated, hashed and planned in constant memory; a JSON array
// is parsed whole (use JSONL for large datasets).
import { parse as parseCsv } from "csv-parse/sync";
import { isMap, isSeq, LineCounter, parseDocument } from "yaml";
import { ProblemList, UserError, ValidationError } from "../errors.ts";
import { readTextFile } from "../text-file.ts";
import { DuplicateKeyError, parseJsonLine } from "./json-line.ts";
import { csvRecords, readLines, type FileStamp } from "./line-reader.ts";
import type { Item } from "./types.ts";
import { DuplicateKeys } from "./item-keys.ts";

/** How a dataset is read. */
export interface DatasetReadOptions {
  /**
   * Collect problems here and skip bad lines (the validating pass). Without it, the first
   * bad line throws (a later pass over a file already validated).
   */
  problems?: ProblemList;
  /** The file must still be as it was when validated (size and modification time). */
  expect?: FileStamp;
  /** Receives the file's stamp when it is opened. */
  onStamp?: (stamp: FileStamp) => void;
}

/** A dataset's items in file order, read lazily (JSONL, CSV) or from one parse (JSON array). */
export function* datasetItems(path: string, shownPath: string, options: DatasetReadOptions = {}): Generator<Item> {
  if (path.endsWith(".csv")) yield* csvItems(path, shownPath, options);
  else if (path.endsWith(".json")) yield* jsonArrayItems(path, shownPath, options);
  else yield* jsonlItems(path, shownPath, options);
}

/** Read a whole dataset file (an exemplar pool, a test); every problem is reported together. */
export function readDataset(path: string, shownPath: string): Item[] {
  const problems = new ProblemList();
  const keys = new DuplicateKeys();
  const items: Item[] = [];
  for (const item of datasetItems(path, shownPath, { problems })) {
    keys.add(item.key);
    items.push(item);
  }
  for (const problem of keys.problems(() => items)) problems.add(problem);
  problems.throwIfAny();
  return items;
}

/** Build items from inline rows (suite `items:` or defineTask), keyed by `id` or 1-based position; repeated ids are an error. */
export function inlineItems(rows: Record<string, unknown>[], where: string): Item[] {
  const items = inlineItemsUnchecked(rows, where);
  const keys = new DuplicateKeys();
  for (const item of items) keys.add(item.key);
  const problems = keys.problems(() => items);
  if (problems.length) throw new ValidationError(problems);
  return items;
}

/** inlineItems without the id check (the caller checks ids with the rest of the task). */
export function inlineItemsUnchecked(rows: Record<string, unknown>[], where: string): Item[] {
  const problems = new ProblemList();
  const items: Item[] = [];
  rows.forEach((fields, i) => {
    const item = collected(problems, () => {
      if (!isPlainObject(fields)) throw new UserError("each item must be an object", { location: `${where}[${i}]`, code: "E_DATA" });
      return makeItem(fields, String(i + 1), `${where}[${i}]`);
    });
    if (item) items.push(item);
  });
  problems.throwIfAny();
  return items;
}

/** `read()`, or, when it throws a UserError and problems are being collected, null with the problem added. */
function collected<T>(problems: ProblemList | undefined, read: () => T): T | null {
  if (!problems) return read();
  try {
    return read();
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    problems.add(error.message);
    return null;
  }
}

function* jsonlItems(path: string, shownPath: string, options: DatasetReadOptions): Generator<Item> {
  for (const line of readLines(path, shownPath, { what: "data file", code: "E_DATA", expect: options.expect, onStamp: options.onStamp })) {
    const item = collected(options.problems, () => jsonlItem(line.text, line.number, shownPath));
    if (item) yield item;
  }
}

/**
 * One JSONL line as an item (null for a blank line); a bad line throws a UserError at
 * `file:line`: invalid JSON, not an object, a repeated key, a bad id.
 */
function jsonlItem(line: string, lineNumber: number, shownPath: string): Item | null {
  const trimmed = line.trim();
  if (trimmed === "") return null;
  const location = `${shownPath}:${lineNumber}`;
  let value: unknown;
  try {
    value = parseJsonLine(trimmed);
  } catch (error) {
    const message =
      error instanceof DuplicateKeyError ? `${error.message}; each key may appear once in an object` : (error as Error).message;
    throw new UserError(message, { location, code: "E_DATA" });
  }
  if (!isPlainObject(value)) throw new UserError("each line must be a JSON object", { location, code: "E_DATA" });
  return makeItem(value, String(lineNumber), location);
}

function* jsonArrayItems(path: string, shownPath: string, options: DatasetReadOptions): Generator<Item> {
  const problems = options.problems;
  const fail = (message: string) => {
    if (!problems)
      throw new UserError(message.slice(message.indexOf(": ") + 2), { location: message.slice(0, message.indexOf(": ")), code: "E_DATA" });
    problems.add(message);
  };
  const text = readTextFile(path, shownPath, { what: "data file", code: "E_DATA" });
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, logLevel: "error" });
  const lineOf = (offset: number) => lineCounter.linePos(offset).line;
  if (doc.errors.length || doc.warnings.length) {
    for (const e of [...doc.errors, ...doc.warnings]) fail(`${shownPath}:${lineOf(e.pos[0])}: ${e.message.split("\n")[0]}`);
    return;
  }
  if (!isSeq(doc.contents)) {
    fail(`${shownPath}: a .json dataset must be an array of objects`);
    return;
  }
  for (const node of doc.contents.items) {
    const line = node && typeof node === "object" && "range" in node && node.range ? lineOf(node.range[0]) : 0;
    const location = `${shownPath}:${line}`;
    const item = collected(problems, () => {
      if (!isMap(node)) throw new UserError("each element must be an object", { location, code: "E_DATA" });
      return makeItem(node.toJSON() as Record<string, unknown>, String(line), location);
    });
    if (item) yield item;
  }
}

/**
 * CSV with a header row (RFC 4180 quoting; a quoted field may span lines), streamed record
 * by record. An item is keyed by its record's last line, as csv-parse's `info.lines`.
 */
function* csvItems(path: string, shownPath: string, options: DatasetReadOptions): Generator<Item> {
  let header: string[] | undefined;
  const lines = readLines(path, shownPath, { what: "data file", code: "E_DATA", expect: options.expect, onStamp: options.onStamp });
  for (const record of csvRecords(lines)) {
    if (record.number === -1) {
      collected(options.problems, () => {
        throw new UserError("a quoted field is not closed before the end of the file", { location: shownPath, code: "E_DATA" });
      });
      return;
    }
    if (record.text === "" || record.text === "\r") continue;
    const cells = collected(options.problems, () => csvCells(record.text, `${shownPath}:${record.number}`));
    if (!cells) continue;
    if (header === undefined) {
      header = cells;
      const seen = new Set<string>();
      for (const name of header) {
        if (seen.has(name))
          collected(options.problems, () => {
            throw new UserError(`column "${name}" appears twice in the header`, {
              location: `${shownPath}:${record.number}`,
              code: "E_DATA",
            });
          });
        seen.add(name);
      }
      continue;
    }
    const columns = header;
    const item = collected(options.problems, () => {
      if (cells.length !== columns.length)
        throw new UserError(`columns length is ${columns.length}, got ${cells.length}`, {
          location: `${shownPath}:${record.number}`,
          code: "E_DATA",
        });
      const fields: Record<string, string> = {};
      for (let i = 0; i < columns.length; i++) fields[columns[i]] = cells[i];
      return csvItem(fields, record.number, shownPath);
    });
    if (item) yield item;
  }
}

/** The cells of one CSV record's text. */
function csvCells(text: string, location: string): string[] {
  try {
    const rows = parseCsv(text, { relax_column_count: true }) as string[][];
    return rows[0] ?? [];
  } catch (error) {
    const message = (error as Error).message.replace(/^Invalid Record Length: /, "").replace(/ (on|at) line \d+$/, "");
    throw new UserError(message, { location, code: "E_DATA" });
  }
}

/** One CSV record (a row under the header) as an item at its line. */
function csvItem(record: Record<string, string>, lineNumber: number, shownPath: string): Item {
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
