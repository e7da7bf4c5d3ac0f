// Seeded pseudo-random numbers for the demo data generator: mulberry32 streams keyed by a
// string, so every family and split draws from its own reproducible stream.

/** A function returning uniform floats in [0, 1). */
export type Random = () => number;

/** A mulberry32 stream seeded by a 32-bit FNV-1a hash of `key` (e.g. "demo-v1/train/arith"). */
export function seededStream(key: string): Random {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  let state = h >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [lo, hi], both inclusive. */
export function intBetween(r: Random, lo: number, hi: number): number {
  return lo + Math.floor(r() * (hi - lo + 1));
}

/** One element of `list`, uniformly. */
export function pick<T>(r: Random, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)];
}

/** A random integer with exactly `digits` decimal digits. */
export function numberWithDigits(r: Random, digits: number): number {
  return digits === 1 ? intBetween(r, 0, 9) : intBetween(r, 10 ** (digits - 1), 10 ** digits - 1);
}
