// The response cache: provider responses keyed by a hash of provider, parameters and prompt.
import type { Db } from "./db.ts";

/** Look up and store cached responses (JSON text). */
export function responseCache(db: Db): { get(key: string): string | undefined; putMany(entries: [string, string][]): void } {
  const get = db.prepare("SELECT response FROM cache WHERE key = ?").pluck();
  const put = db.prepare("INSERT OR REPLACE INTO cache (key, response, created_at) VALUES (?, ?, ?)");
  // IMMEDIATE: take the write lock first, so another process's writes make this wait (busy
  // timeout) rather than fail when a read snapshot would have to be upgraded.
  const putMany = db.transaction((entries: [string, string][]) => {
    const now = new Date().toISOString();
    for (const [k, v] of entries) put.run(k, v, now);
  }).immediate;
  return { get: (key) => get.get(key) as string | undefined, putMany };
}
