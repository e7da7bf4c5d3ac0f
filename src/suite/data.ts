// Reads dataset files (JSONL, JSON array, CSV) into items with their line numbers.
import { readFileSync } from "node:fs";
import { parse as parseCsv } from "csv-parse/sync";
import { LineCounter, parseDocument, isSeq, isMap } from "yaml";
import { UserError } from "../errors.ts";
import type { Item } from "./types.ts";

/** Read a dataset file; items are keyed by their `id` field or their 1-based line number. */
export function readDataset(path: string, shownPath: string): Item[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(code === "ENOENT" ? "data file not found" : `cannot read data file (${code})`, { location: shownPath, code: "E_DATA" });
  }
  const items = path.endsWith(".csv") ? readCsv(text, shownPath) : path.endsWith(".json") ? readJsonArray(text, shownPath) : readJsonl(text, shownPath);
  checkUniqueKeys(items);
  return items;
}

/** Build items from inline rows (suite `items:` or defineTask), keyed by `id` or 1-based position. */
export function inlineItems(rows: Record<string, unknown>[], where: string): Item[] {
  const items = rows.map((fields, i) => {
    if (!isPlainObject(fields)) throw new UserError("each item must be an object", { location: `${where}[${i}]`, code: "E_DATA" });
    return makeItem(fields, String(i + 1), `${where}[${i}]`);
  });
  checkUniqueKeys(items);
  return items;
}

function readJsonl(text: string, shownPath: string): Item[] {
  const items: Item[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "") continue;
    const location = `${shownPath}:${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new UserError((error as Error).message, { location, code: "E_DATA" });
    }
    if (!isPlainObject(value)) throw new UserError("each line must be a JSON object", { location, code: "E_DATA" });
    items.push(makeItem(value, String(i + 1), location));
  }
  return items;
}

function readJsonArray(text: string, shownPath: string): Item[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length) {
    const { line } = lineCounter.linePos(doc.errors[0].pos[0]);
    throw new UserError(doc.errors[0].message.split("\n")[0], { location: `${shownPath}:${line}`, code: "E_DATA" });
  }
  if (!isSeq(doc.contents)) throw new UserError("a .json dataset must be an array of objects", { location: shownPath, code: "E_DATA" });
  return doc.contents.items.map((node) => {
    const line = node && typeof node === "object" && "range" in node && node.range ? lineCounter.linePos(node.range[0]).line : 0;
    const location = `${shownPath}:${line}`;
    if (!isMap(node)) throw new UserError("each element must be an object", { location, code: "E_DATA" });
    return makeItem(node.toJSON() as Record<string, unknown>, String(line), location);
  });
}

function readCsv(text: string, shownPath: string): Item[] {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parseCsv(text, { columns: true, skip_empty_lines: true, info: true, bom: true }) as typeof records;
  } catch (error) {
    const e = error as Error & { lines?: number };
    throw new UserError(e.message.replace(/^Invalid Record Length: /, ""), { location: `${shownPath}${e.lines ? `:${e.lines}` : ""}`, code: "E_DATA" });
  }
  return records.map(({ record, info }) => makeItem(record, String(info.lines), `${shownPath}:${info.lines}`));
}

function makeItem(fields: Record<string, unknown>, fallbackKey: string, location: string): Item {
  const id = fields.id;
  if (id !== undefined && typeof id !== "string" && typeof id !== "number") {
    throw new UserError("field id must be a string or a number", { location, code: "E_DATA" });
  }
  return { key: id === undefined || id === "" ? fallbackKey : String(id), fields, location };
}

function checkUniqueKeys(items: Item[]): void {
  const seen = new Map<string, string>();
  for (const item of items) {
    const first = seen.get(item.key);
    if (first) throw new UserError(`duplicate item id "${item.key}" (first at ${first})`, { location: item.location, code: "E_DATA" });
    seen.set(item.key, item.location);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
