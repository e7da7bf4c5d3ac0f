// Opens the SQLite store (WAL, foreign keys) and applies numbered migrations.
import Database from "better-sqlite3";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { UserError } from "../errors.ts";

export type Db = Database.Database;

const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), "migrations");

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

/**
 * Open (creating if needed) the database at `path` and bring its schema up to date.
 * The schema version lives in `PRAGMA user_version`.
 */
export function openStore(path: string, options: { readonly?: boolean } = {}): Db {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  let db: Db;
  try {
    db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  } catch (error) {
    throw new UserError(`cannot open database: ${(error as Error).message}`, { location: path, code: "E_DB" });
  }
  db.pragma("journal_mode = WAL");
  db.pragma("foreign_keys = ON");
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 5000");
  const current = db.pragma("user_version", { simple: true }) as number;
  const latest = latestSchemaVersion();
  if (current > latest) {
    db.close();
    throw new UserError(`database schema version ${current} is newer than this assay (${latest}); upgrade assay`, { location: path, code: "E_DB_VERSION" });
  }
  if (!options.readonly) {
    for (const [version, sql] of migrations()) {
      if (version <= current) continue;
      db.transaction(() => {
        db.exec(sql);
        db.pragma(`user_version = ${version}`);
      })();
    }
  }
  return db;
}
