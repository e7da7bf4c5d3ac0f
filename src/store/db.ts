// Opens the SQLite store: read-write (WAL, foreign keys, numbered migrations applied under
// the write lock, so several processes can share one file) or strictly read-only.
import Database from "better-sqlite3";
import {
  accessSync,
  constants,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { UserError } from "../errors.ts";
import { guardStore, storeError } from "./store-error.ts";
import { migrationsDir } from "../package-paths.ts";

export type Db = Database.Database;

/**
 * How long a statement waits for another process's write lock before failing (ms). Write
 * transactions last milliseconds (a batch of trials), but creating a task with a million
 * items takes seconds: a minute covers that with room to spare.
 */
export const BUSY_TIMEOUT_MS = 60_000;

/** Options of openStore. */
export interface OpenStoreOptions {
  /** Open for reading only: never create, migrate, switch to WAL or write anything. */
  readonly?: boolean;
  /** How long to wait for another process's lock (ms; default BUSY_TIMEOUT_MS). */
  busyTimeoutMs?: number;
}

/** The migrations shipped with this version: [version, sql] sorted by version. */
export function migrations(): [number, string][] {
  return readdirSync(migrationsDir)
    .filter((f) => /^\d+-.*\.sql$/.test(f))
    .map((f) => [Number.parseInt(f, 10), readFileSync(join(migrationsDir, f), "utf8")] as [number, string])
    .sort((a, b) => a[0] - b[0]);
}

/** The schema version this code writes. */
export function latestSchemaVersion(): number {
  const all = migrations();
  return all.length ? all[all.length - 1][0] : 0;
}

/** Stores read through a temporary copy (see openCopy), by the path the caller gave. */
const copiedFrom = new WeakMap<Db, string>();

/** The path a store was opened with, for messages (`db.name`, except for a read-only copy). */
export function storePath(db: Db): string {
  return copiedFrom.get(db) ?? db.name;
}

/** The schema version of an open store (a read-only store may be older than this code). */
export function schemaVersion(db: Db): number {
  return db.pragma("user_version", { simple: true }) as number;
}

/**
 * Open the database at `path`. Read-write (the default) creates it if needed, switches it
 * to WAL and brings its schema up to date; read-only opens an existing store as it is.
 * Refused with a UserError naming the file: a file that is not SQLite, a database of another
 * application, one from a newer assay (before anything is written), a read-only file for
 * read-write, an empty file for read-only.
 * @example const db = openStore(".assay/assay.db", { readonly: true })
 */
export function openStore(path: string, options: OpenStoreOptions = {}): Db {
  return options.readonly ? openReadOnly(path, options) : openReadWrite(path, options);
}

function openReadWrite(path: string, options: OpenStoreOptions): Db {
  const timeout = options.busyTimeoutMs ?? BUSY_TIMEOUT_MS;
  if (path !== ":memory:") {
    guardStore(path, () => mkdirSync(dirname(path), { recursive: true }));
    checkRegularFile(path);
    // SQLite quietly falls back to reading when it cannot write; say so before anything else.
    guardStore(path, () => {
      if (existsSync(path)) accessSync(path, constants.W_OK);
      accessSync(dirname(path), constants.W_OK); // WAL keeps -wal and -shm files beside it
    });
  }
  const db = guardStore(path, () => new Database(path, { timeout }));
  try {
    guardStore(path, () => {
      checkKnown(db, path);
      db.pragma("foreign_keys = ON");
      enableWal(db, timeout);
      db.pragma("synchronous = NORMAL");
      migrate(db, path);
    });
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * Switch to WAL. Changing the journal mode needs the database to itself, and SQLite answers
 * SQLITE_BUSY at once (without its busy handler) while another process holds it, e.g. one
 * migrating a file both just created: wait and try again, up to the busy timeout.
 */
function enableWal(db: Db, timeoutMs: number): void {
  const deadline = Date.now() + timeoutMs;
  for (let waitMs = 1; ; waitMs = Math.min(waitMs * 2, 100)) {
    try {
      if (db.pragma("journal_mode", { simple: true }) !== "wal") db.pragma("journal_mode = WAL");
      return;
    } catch (error) {
      if (!String((error as { code?: unknown }).code).startsWith("SQLITE_BUSY") || Date.now() > deadline) throw error;
      Atomics.wait(sleeper, 0, 0, waitMs);
    }
  }
}

/**
 * Apply the migrations this file lacks, inside one IMMEDIATE transaction: the version is read
 * again under the write lock, so two processes opening a new file at once migrate it once.
 */
function migrate(db: Db, path: string): void {
  const latest = latestSchemaVersion();
  if (schemaVersion(db) >= latest) return;
  db.transaction(() => {
    checkKnown(db, path);
    const current = schemaVersion(db);
    for (const [version, sql] of migrations()) {
      if (version <= current) continue;
      db.exec(sql);
      db.pragma(`user_version = ${version}`);
    }
  }).immediate();
}

function openReadOnly(path: string, options: OpenStoreOptions): Db {
  const timeout = options.busyTimeoutMs ?? BUSY_TIMEOUT_MS;
  if (!existsSync(path)) throw new UserError("database not found (run `assay run` first)", { location: path, code: "E_DB" });
  checkRegularFile(path);
  let db: Db | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true, timeout });
    checkKnown(db, path, { mustHaveSchema: true });
    return db;
  } catch (error) {
    db?.close();
    if (!(error instanceof UserError) && walUnreadableInPlace(error)) return openCopy(path, timeout);
    throw storeError(error, path);
  }
}

/**
 * A WAL database can be read only where its -shm index can be created: on a read-only file
 * system without one, SQLite cannot open it at all (and this SQLite build takes no
 * `immutable=1` URIs). The database and its -wal are then copied to a temporary folder and
 * read there; the copy is removed when the store is closed.
 */
function walUnreadableInPlace(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return (
    code === "SQLITE_CANTOPEN" ||
    code === "SQLITE_READONLY_CANTINIT" ||
    code === "SQLITE_READONLY_RECOVERY" ||
    code === "SQLITE_READONLY_CANTLOCK"
  );
}

function openCopy(path: string, timeout: number): Db {
  const dir = mkdtempSync(join(tmpdir(), "assay-readonly-"));
  let db: Db | undefined;
  try {
    const copy = join(dir, "assay.db");
    guardStore(path, () => {
      copyFileSync(path, copy);
      if (existsSync(`${path}-wal`)) copyFileSync(`${path}-wal`, `${copy}-wal`);
    });
    db = guardStore(path, () => new Database(copy, { readonly: true, fileMustExist: true, timeout }));
    guardStore(path, () => checkKnown(db!, path, { mustHaveSchema: true }));
  } catch (error) {
    db?.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  copiedFrom.set(db, path);
  const close = db.close.bind(db);
  db.close = () => {
    close();
    rmSync(dir, { recursive: true, force: true });
    return db!;
  };
  return db;
}

function checkRegularFile(path: string): void {
  if (path === ":memory:" || !existsSync(path)) return;
  if (!statSync(path).isFile())
    throw new UserError("not a database file (a directory, device or pipe)", { location: path, code: "E_DB_NOTADB" });
}

/**
 * Refuse what is not an assay store, reading version and tables in one snapshot: a newer
 * schema, or tables with schema version 0 (another application's database). An empty file
 * or a new path is fine for writing; a reader needs a schema.
 */
function checkKnown(db: Db, path: string, options: { mustHaveSchema?: boolean } = {}): void {
  const { version, tables } = db.transaction(() => ({
    version: schemaVersion(db),
    tables: db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")
      .pluck()
      .all() as string[],
  }))();
  const latest = latestSchemaVersion();
  if (version > latest) {
    throw new UserError(`database schema version ${version} is newer than this assay (${latest}); upgrade assay`, {
      location: path,
      code: "E_DB_VERSION",
    });
  }
  if (version === 0 && tables.length > 0) {
    const shown = tables.slice(0, 5).join(", ") + (tables.length > 5 ? ", ..." : "");
    throw new UserError(`not an assay database (it holds another application's tables: ${shown}); use another --db path`, {
      location: path,
      code: "E_DB_FOREIGN",
    });
  }
  if (version === 0 && options.mustHaveSchema)
    throw new UserError("the database is empty (no runs yet; run `assay run` first)", { location: path, code: "E_DB_EMPTY" });
}
