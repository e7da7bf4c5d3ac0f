// Statements prepared once per connection: a server answering many small requests would
// otherwise spend a tenth of its CPU compiling the same SQL again (measured in bench/review.ts).
import type { Statement } from "better-sqlite3";
import type { Db } from "./db.ts";

const caches = new WeakMap<Db, Map<string, Statement>>();

/** `db.prepare(sql)`, compiled on first use and kept for the connection's life. */
export function prepared(db: Db, sql: string): Statement {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  let statement = cache.get(sql);
  if (!statement) {
    statement = db.prepare(sql);
    cache.set(sql, statement);
  }
  return statement;
}
