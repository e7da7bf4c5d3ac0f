// Commands other than run open the store through this: read-only (show, runs, export, compare)
// or read-write (review), closed afterwards, and database trouble reported as a UserError naming the file.
import { openStore, type Db } from "../store/db.ts";
import { storeError } from "../store/store-error.ts";

/**
 * Open `path` read-only (never creating, migrating, switching to WAL or writing), run `fn`,
 * close it. A database error inside `fn` (corrupt page, lock held too long) becomes a
 * UserError naming `path`.
 */
export async function withReadOnlyStore<T>(path: string, fn: (db: Db) => T | Promise<T>): Promise<T> {
  return withOpenStore(path, true, fn);
}

/** The same, read-write (creating and migrating the store when needed): the commands that write outside a run (review). */
export async function withStore<T>(path: string, fn: (db: Db) => T | Promise<T>): Promise<T> {
  return withOpenStore(path, false, fn);
}

async function withOpenStore<T>(path: string, readonly: boolean, fn: (db: Db) => T | Promise<T>): Promise<T> {
  const db = openStore(path, { readonly });
  try {
    return await fn(db);
  } catch (error) {
    throw storeError(error, path);
  } finally {
    db.close();
  }
}
