// Reading a user's text file (suite, dataset, config, replay, template, metric input) or
// failing with a located UserError: missing, not a regular file, too large, not UTF-8.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs";
import { UserError } from "./errors.ts";

/** Options for readTextFile. */
export interface ReadTextOptions {
  /** What the file is, for messages: "data file", "suite", "replay file". */
  what: string;
  /** Refuse files larger than this many bytes (default 256 MiB). */
  maxBytes?: number;
  /** Error code of the UserError thrown (default E_FILE). */
  code?: string;
}

/**
 * Read a whole UTF-8 text file. `shown` is the path as messages print it. A FIFO, a device
 * (`/dev/zero`), a directory, a file over `maxBytes` or bytes that are not valid UTF-8 are
 * refused with a UserError naming the file (and, for bad bytes, the line). A leading byte
 * order mark is dropped.
 * @example const text = readTextFile("suites/data/add.jsonl", "suites/data/add.jsonl", { what: "data file" })
 */
export function readTextFile(path: string, shown: string, options: ReadTextOptions): string {
  const code = options.code ?? "E_FILE";
  const maxBytes = options.maxBytes ?? 256 * 1024 * 1024;
  const fd = openRegularFile(path, shown, options.what, code);
  try {
    const stat = regularFileStat(fd, shown, options.what, code);
    if (stat.size > maxBytes)
      throw new UserError(`${options.what} is ${stat.size} bytes; the limit is ${maxBytes}`, { location: shown, code });
    const bytes = Buffer.allocUnsafe(stat.size);
    let read = 0;
    while (read < stat.size) {
      const n = readSync(fd, bytes, read, stat.size - read, read);
      if (n === 0) break;
      read += n;
    }
    return decodeUtf8(bytes.subarray(0, read), shown, options.what, code);
  } finally {
    closeSync(fd);
  }
}

/**
 * Open a file for reading without blocking (a FIFO with no writer must not hang; it is
 * refused by regularFileStat), or throw a located UserError. Close the descriptor after use.
 */
export function openRegularFile(path: string, shown: string, what: string, code = "E_FILE"): number {
  try {
    return openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw fileError(error, what, shown, code);
  }
}

/** The stats of an open descriptor that must be a regular file (not a directory, pipe, socket or device). */
export function regularFileStat(fd: number, shown: string, what: string, code = "E_FILE"): Stats {
  const stat = fstatSync(fd);
  if (stat.isDirectory()) throw new UserError(`${what} is a directory`, { location: shown, code });
  if (!stat.isFile()) throw new UserError(`${what} is not a regular file (a pipe, socket or device)`, { location: shown, code });
  return stat;
}

/** A read error as a UserError: ENOENT, EISDIR, EACCES, ELOOP, ... */
export function fileError(error: unknown, what: string, shown: string, code = "E_FILE"): UserError {
  const errno = (error as NodeJS.ErrnoException).code;
  const reason: Record<string, string> = {
    ENOENT: "not found",
    EISDIR: "is a directory",
    EACCES: "permission denied",
    ELOOP: "too many levels of symbolic links",
    ENOTDIR: "a part of the path is not a directory",
  };
  return new UserError(`${what} ${errno && reason[errno] ? reason[errno] : `cannot be read (${errno ?? (error as Error).message})`}`, {
    location: shown,
    code,
    cause: error,
  });
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/**
 * Decode UTF-8 strictly; invalid bytes are a UserError with the line and byte column
 * (`linesBefore`: lines of the file that precede `bytes`, when decoding a piece of it).
 */
export function decodeUtf8(bytes: Uint8Array, shown: string, what: string, code = "E_FILE", linesBefore = 0): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    let line = linesBefore + 1;
    let lineStart = 0;
    for (let i = 0; i < at; i++) {
      if (bytes[i] === 0x0a) {
        line++;
        lineStart = i + 1;
      }
    }
    const hex = Array.from(bytes.subarray(at, Math.min(at + 4, bytes.length)), (b) => b.toString(16).padStart(2, "0")).join(" ");
    throw new UserError(
      `${what} is not valid UTF-8 (bytes ${hex} at column ${at - lineStart + 1}); convert it, e.g. iconv -f latin1 -t utf-8`,
      { location: `${shown}:${line}`, code },
    );
  }
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    let n: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      n = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      n = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      n = 3;
      min = 0x10000;
    } else return i;
    if (i + n >= bytes.length) return i;
    let cp = b & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return bytes.length;
}
