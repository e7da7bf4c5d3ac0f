// Reads a data file line by line in fixed-size chunks, so a dataset of any size is
// validated and planned in constant memory. Bytes must be UTF-8 (refused with file:line);
// the file must not change between the validating pass and the run's pass.
import { closeSync, readSync } from "node:fs";
import { UserError } from "../errors.ts";
import { decodeUtf8, openRegularFile, regularFileStat } from "../text-file.ts";

/** What identifies a file's contents cheaply between two passes over it. */
export interface FileStamp {
  size: number;
  mtimeMs: number;
}

/** One line of a file: its 1-based number and its text without the newline (a trailing "\r" is kept). */
export interface Line {
  number: number;
  text: string;
}

/** Options for readLines. */
export interface ReadLinesOptions {
  /** What the file is, for messages ("data file"). */
  what: string;
  /** Error code of the UserErrors thrown (default E_DATA). */
  code?: string;
  /** When given, the file must still have this size and modification time. */
  expect?: FileStamp;
  /** Bytes read at a time (tests make it tiny). Default 256 KiB. */
  chunkBytes?: number;
  /** Receives the file's stamp once it is open. */
  onStamp?: (stamp: FileStamp) => void;
}

/**
 * Yield the lines of a regular UTF-8 text file. A FIFO, a device or a directory is refused
 * before reading; bytes that are not UTF-8 stop the read with a UserError at `file:line`; a
 * leading byte order mark is dropped. With `expect`, a file whose size or modification
 * time changed since it was validated is refused (before and after reading it).
 */
export function* readLines(path: string, shown: string, options: ReadLinesOptions): Generator<Line> {
  const code = options.code ?? "E_DATA";
  const fd = openRegularFile(path, shown, options.what, code);
  try {
    const stamp = checkedStamp(fd, shown, options.what, code);
    if (options.expect && (stamp.size !== options.expect.size || stamp.mtimeMs !== options.expect.mtimeMs))
      throw changedError(shown, options.what, code);
    options.onStamp?.(stamp);
    const buffer = Buffer.allocUnsafe(options.chunkBytes ?? 256 * 1024);
    let pending: Buffer = Buffer.alloc(0);
    let number = 0;
    let position = 0;
    let first = true;
    for (;;) {
      const read = readSync(fd, buffer, 0, buffer.length, position);
      position += read;
      const bytes = pending.length ? Buffer.concat([pending, buffer.subarray(0, read)]) : buffer.subarray(0, read);
      // Complete lines end at the last newline; the rest waits for the next chunk.
      const end = read === 0 ? bytes.length : bytes.lastIndexOf(0x0a) + 1;
      if (end > 0) {
        let text = decodeUtf8(bytes.subarray(0, end), shown, options.what, code, number);
        if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        first = false;
        const lines = text.split("\n");
        if (read !== 0 || lines[lines.length - 1] === "") lines.pop();
        for (const line of lines) yield { number: ++number, text: line };
      }
      if (read === 0) break;
      pending = Buffer.from(bytes.subarray(end));
    }
    if (options.expect) {
      const after = checkedStamp(fd, shown, options.what, code);
      if (after.size !== options.expect.size || after.mtimeMs !== options.expect.mtimeMs) throw changedError(shown, options.what, code);
    }
  } finally {
    closeSync(fd);
  }
}

/** The stamp of a regular file, or a UserError when it is missing or not a regular file. */
export function fileStamp(path: string, shown: string, what: string, code = "E_DATA"): FileStamp {
  const fd = openRegularFile(path, shown, what, code);
  try {
    return checkedStamp(fd, shown, what, code);
  } finally {
    closeSync(fd);
  }
}

function checkedStamp(fd: number, shown: string, what: string, code: string): FileStamp {
  const stat = regularFileStat(fd, shown, what, code);
  return { size: stat.size, mtimeMs: stat.mtimeMs };
}

function changedError(shown: string, what: string, code: string): UserError {
  return new UserError(
    `${what} changed while assay was reading it (its size or modification time differs from when it was validated); run again`,
    { location: shown, code },
  );
}

/**
 * Group CSV lines into records: a record continues onto the next line while a quoted field
 * is open (RFC 4180: `"` opens and closes a quoted field, `""` inside it is a literal quote,
 * which toggles twice and so leaves the state as it was). Yields each record's text with
 * the number of its last line (csv-parse's `info.lines`).
 */
export function* csvRecords(lines: Iterable<Line>): Generator<Line> {
  let parts: string[] = [];
  let open = false;
  for (const line of lines) {
    parts.push(line.text);
    for (let i = line.text.indexOf('"'); i !== -1; i = line.text.indexOf('"', i + 1)) open = !open;
    if (!open) {
      yield { number: line.number, text: parts.join("\n") };
      parts = [];
    }
  }
  if (parts.length) yield { number: -1, text: parts.join("\n") };
}
