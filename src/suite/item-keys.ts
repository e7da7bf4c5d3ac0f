// Duplicate item ids in constant memory per item: a pass keeps only a 53-bit hash of each
// key (8 bytes); duplicates are found by sorting the hashes, and only when some hashes repeat
// are the items scanned again to name the duplicates and where each was first seen.
import type { Item } from "./types.ts";

/** Collects item keys as hashes; `problems` names every repeated key. */
export class DuplicateKeys {
  private hashes = new Float64Array(1024);
  private count = 0;

  /** Record an item's key. */
  add(key: string): void {
    if (this.count === this.hashes.length) {
      const grown = new Float64Array(this.hashes.length * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[this.count++] = hash53(key);
  }

  /**
   * A problem line for every item whose key repeats an earlier one
   * (`file:7: duplicate item id "a" (first at file:6)`). `rescan` gives the same items again,
   * in the same order; it is called only when some hashes repeat.
   */
  problems(rescan: () => Iterable<Item>): string[] {
    const sorted = this.hashes.slice(0, this.count).sort();
    const repeated = new Set<number>();
    for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) repeated.add(sorted[i]);
    if (repeated.size === 0) return [];
    const first = new Map<string, string>();
    const problems: string[] = [];
    for (const item of rescan()) {
      if (!repeated.has(hash53(item.key))) continue;
      const seen = first.get(item.key);
      if (seen === undefined) first.set(item.key, item.location);
      else problems.push(`${item.location}: duplicate item id "${item.key}" (first at ${seen})`);
    }
    return problems;
  }
}

/**
 * A 53-bit hash of a string (cyrb53, public domain: two 32-bit multiply-xorshift lanes), exact
 * in a double. Two different keys share a hash with probability about n^2 / 2^54; such a pair
 * is only rescanned, never reported, since the rescan compares the keys themselves.
 */
function hash53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
