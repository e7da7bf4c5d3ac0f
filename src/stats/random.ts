// The one seeded random source in assay: every shuffle, sample and bootstrap draws from it,
// so the same seed gives the same bytes on every machine and Node version.

/**
 * A deterministic random stream: xoshiro128** (Blackman & Vigna 2018, reference C at
 * https://prng.di.unimi.it/xoshiro128starstar.c), state filled by splitmix32 from the seed.
 */
export interface Random {
  /** Next raw 32-bit output as an unsigned integer. */
  nextUint32(): number;
  /** Uniform double in [0, 1) with 53 random bits (two outputs, as in xoshiro's to-double recipe). */
  next(): number;
  /** Uniform integer in [0, n) for 1 <= n <= 2^32, unbiased (rejection of the top partial block). */
  int(n: number): number;
  /** A shuffled copy of `items` (Fisher-Yates, from the last index down). */
  shuffle<T>(items: readonly T[]): T[];
  /** `k` distinct items in random order, without replacement (partial Fisher-Yates). */
  sample<T>(items: readonly T[], k: number): T[];
}

/** FNV-1a 32-bit over UTF-8 bytes, then murmur3's fmix32 finaliser to spread the bits. */
function hashString(text: string, h = 0x811c9dc5): number {
  const bytes = new TextEncoder().encode(text);
  for (const byte of bytes) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A stable 32-bit seed from any parts, e.g. `hashSeed(runSeed, "bootstrap", taskId)`.
 * Parts are joined with a separator that cannot occur in their text form (U+0000 plus a type tag),
 * so `("a", "bc")` and `("ab", "c")` differ, as do `1` and `"1"`.
 */
export function hashSeed(...parts: ReadonlyArray<string | number | bigint | boolean>): number {
  let text = "";
  for (const part of parts) text += `\u0000${typeof part}:${String(part)}`;
  return fmix32(hashString(text));
}

/** Normalises a seed to a uint32: integers in [0, 2^32) are used as they are; anything else is hashed. */
export function seedToUint32(seed: number | string): number {
  if (typeof seed === "number" && Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32) return seed >>> 0;
  return hashSeed(seed);
}

/** A seeded xoshiro128** stream; `seededRandom(42)` always yields the same sequence. */
export function seededRandom(seed: number | string): Random {
  // splitmix32 (Vigna) turns one 32-bit seed into four well-mixed, not-all-zero state words.
  let sm = seedToUint32(seed);
  const splitmix32 = (): number => {
    sm = (sm + 0x9e3779b9) >>> 0;
    let z = sm;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let s0 = splitmix32();
  let s1 = splitmix32();
  let s2 = splitmix32();
  let s3 = splitmix32();

  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };

  const int = (n: number): number => {
    if (!(Number.isInteger(n) && n >= 1 && n <= 2 ** 32)) throw new RangeError(`int(n) needs an integer 1 <= n <= 2^32, got ${n}`);
    if (n === 2 ** 32) return nextUint32();
    // Rejection sampling: accept x below the largest multiple of n that fits in 2^32, return x mod n.
    const limit = 2 ** 32 - (2 ** 32 % n);
    for (;;) {
      const x = nextUint32();
      if (x < limit) return x % n;
    }
  };

  return {
    nextUint32,
    next: () => {
      const hi = nextUint32() >>> 5; // 27 bits
      const lo = nextUint32() >>> 6; // 26 bits
      return (hi * 67108864 + lo) / 9007199254740992;
    },
    int,
    shuffle<T>(items: readonly T[]): T[] {
      const out = items.slice();
      for (let i = out.length - 1; i > 0; i--) {
        const j = int(i + 1);
        const tmp = out[i];
        out[i] = out[j];
        out[j] = tmp;
      }
      return out;
    },
    sample<T>(items: readonly T[], k: number): T[] {
      if (!(Number.isInteger(k) && k >= 0 && k <= items.length)) throw new RangeError(`sample size ${k} is not in [0, ${items.length}]`);
      const out = items.slice();
      for (let i = 0; i < k; i++) {
        const j = i + int(out.length - i);
        const tmp = out[i];
        out[i] = out[j];
        out[j] = tmp;
      }
      return out.slice(0, k);
    },
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
