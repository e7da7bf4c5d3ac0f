import { describe, expect, it } from "vitest";
import { hashSeed, seededRandom } from "../../src/stats/random.ts";
import { loadFixture } from "./fixture.ts";

const cases = loadFixture("random.json");

describe("random.ts streams equal the independent Python transcription bit for bit", () => {
  for (const c of cases) {
    it(`${c.fn}(${JSON.stringify(c.args).slice(0, 50)})`, () => {
      const [seed, arg] = c.args as [number | string, unknown];
      switch (c.fn) {
        case "hashSeed":
          return void expect(hashSeed(...(c.args as (string | number | boolean)[]))).toBe(c.expected);
        case "nextUint32": {
          const r = seededRandom(seed);
          return void expect(Array.from({ length: 20 }, () => r.nextUint32())).toEqual(c.expected);
        }
        case "next": {
          const r = seededRandom(seed);
          return void expect(Array.from({ length: 10 }, () => r.next())).toEqual(c.expected);
        }
        case "int": {
          const r = seededRandom(seed);
          return void expect((arg as number[]).map((n) => Array.from({ length: 5 }, () => r.int(n)))).toEqual(c.expected);
        }
        case "shuffle":
          return void expect(seededRandom(seed).shuffle(arg as number[])).toEqual(c.expected);
      }
      throw new Error(`unknown case ${c.fn}`);
    });
  }
});

describe("seeded randomness", () => {
  it("same seed, same bytes; different seed, different stream", () => {
    const a = seededRandom("s");
    const b = seededRandom("s");
    const c = seededRandom("t");
    const xs = Array.from({ length: 100 }, () => a.next());
    expect(Array.from({ length: 100 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 100 }, () => c.next())).not.toEqual(xs);
  });

  it("hashSeed separates parts and types", () => {
    expect(hashSeed("a", "bc")).not.toBe(hashSeed("ab", "c"));
    expect(hashSeed(1)).not.toBe(hashSeed("1"));
    expect(hashSeed("x", 1)).toBe(hashSeed("x", 1));
  });

  it("next() is in [0, 1) and int(n) is roughly uniform", () => {
    const r = seededRandom(99);
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 20000; i++) {
      const x = r.next();
      expect(x >= 0 && x < 1).toBe(true);
      counts[r.int(10)]++;
    }
    for (const c of counts) expect(Math.abs(c - 2000)).toBeLessThan(200);
  });

  it("sample draws distinct items", () => {
    const picked = seededRandom(5).sample([1, 2, 3, 4, 5, 6, 7, 8], 5);
    expect(new Set(picked).size).toBe(5);
    expect(() => seededRandom(5).sample([1], 2)).toThrow(RangeError);
  });
});
