// Turns database trouble a user can fix (full disk, read-only file, not a database, corrupt,
// locked too long) into a UserError naming the database; anything else stays a bug.
import { UserError } from "../errors.ts";

/** What each SQLite / system error code means for the user, and the UserError code it gets. */
const meanings: [test: (code: string) => boolean, code: string, message: string][] = [
  [
    (c) => c === "SQLITE_FULL" || c === "ENOSPC" || c === "EDQUOT",
    "E_DB_FULL",
    "the disk is full (or over quota): free some space, then try again",
  ],
  [
    (c) => c.startsWith("SQLITE_READONLY") || c === "EROFS",
    "E_DB_READONLY",
    "the database is read-only (a read-only file, folder or file system)",
  ],
  [
    (c) => c === "EACCES" || c === "EPERM" || c === "SQLITE_PERM" || c === "SQLITE_AUTH",
    "E_DB_ACCESS",
    "permission denied (check the permissions of the database file and its folder)",
  ],
  [(c) => c === "SQLITE_NOTADB", "E_DB_NOTADB", "not an SQLite database"],
  [
    (c) => c.startsWith("SQLITE_CORRUPT"),
    "E_DB_CORRUPT",
    "the database file is corrupt (restore it from a copy, or use another --db path)",
  ],
  [
    (c) => c.startsWith("SQLITE_BUSY") || c.startsWith("SQLITE_LOCKED"),
    "E_DB_BUSY",
    "the database stayed locked by another process for too long; try again when it is done",
  ],
  [
    (c) => c.startsWith("SQLITE_CANTOPEN") || c === "ENOENT" || c === "ENOTDIR" || c === "EISDIR",
    "E_DB_OPEN",
    "cannot open the database file",
  ],
  [
    (c) => c.startsWith("SQLITE_IOERR") || c === "EIO",
    "E_DB_IO",
    "input/output error while using the database (a failing disk or network file system)",
  ],
];

/** The error's code when it is database or file-system trouble a user can fix, else undefined. */
export function storeErrorCode(error: unknown): string | undefined {
  if (error instanceof UserError) return undefined;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return undefined;
  return meanings.find(([test]) => test(code))?.[1];
}

/**
 * The UserError for database trouble a user can fix (`path: the disk is full ...
 * (SQLITE_FULL)`), with the original error as its cause; any other error is returned as it is
 * (a bug keeps its stack). `path` is the database file (better-sqlite3's `db.name`).
 * @example try { write(batch) } catch (error) { throw storeError(error, db.name) }
 */
export function storeError(error: unknown, path: string | undefined): unknown {
  if (error instanceof UserError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return error;
  const meaning = meanings.find(([test]) => test(code));
  if (!meaning) return error;
  return new UserError(`${meaning[2]} (${code})`, { location: path, code: meaning[1], cause: error });
}

/** Run `fn`, turning database trouble into a UserError naming `path` (see storeError). */
export function guardStore<T>(path: string | undefined, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw storeError(error, path);
  }
}
