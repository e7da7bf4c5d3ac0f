// The Q8_0 / Q4_0 block functions: hand-checkable blocks, the exact bytes llama.cpp's own
// quantizer wrote for edge blocks, and the error bounds derived in the comments below.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dequantizeRowQ4_0, dequantizeRowQ8_0, quantizeRowQ4_0, quantizeRowQ8_0 } from "../../src/quantize/blocks.ts";
import { fp16BitsToFp32 } from "../../src/quantize/fp16.ts";

const block = (fill: (i: number) => number) => Float32Array.from({ length: 32 }, (_, i) => fill(i));
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const scale = (bytes: Uint8Array, at = 0) => fp16BitsToFp32(bytes[at] | (bytes[at + 1] << 8));

/** Edge blocks; their expected bytes below were written by llama.cpp itself. */
const EDGE_BLOCKS: [string, Float32Array][] = [
  ["all zero", block(() => 0)],
  ["one large value", block((i) => (i === 5 ? 3.7 : 0))],
  ["one large negative value", block((i) => (i === 5 ? -3.7 : 0))],
  ["Q8_0 ties at .5 with d = 1", block((i) => (i === 0 ? 127 : i - 16 + 0.5))],
  ["Q4_0 ties at .5, max -8", block((i) => (i === 0 ? -8 : (i % 16) - 8 + 0.5))],
  ["Q4_0 ties at .5, max +8", block((i) => (i === 0 ? 8 : (i % 16) - 8 + 0.5))],
  ["equal magnitudes, positive first", block((i) => [0, 0, 0, 2, 0, 0, 0, -2, 0, -1.99][i] ?? 0)],
  ["equal magnitudes, negative first", block((i) => (i === 3 ? -2 : i === 7 ? 2 : i === 20 ? 1.9 : 0))],
  ["float32 subnormals (1/d overflows)", block((i) => (i - 16) * 1e-41)],
  ["an fp16-subnormal scale", block((i) => (i - 16) * 1e-7)],
  ["a sine wave", block((i) => Math.sin(i) * 1000)],
  ["negative zeros and a tiny value", block((i) => (i === 4 ? -1e-30 : -0))],
  ["fp16's largest value", block((i) => 65504 * ((i % 3) - 1))],
];

// Produced by llama_model_quantize (node-llama-cpp 3.21.1's libllama, pure, Q8_0 / Q4_0) from a
// GGUF whose token_embd.weight began with EDGE_BLOCKS; the bytes of each block in its output.
const LLAMA_CPP_Q8_0 = [
  "00000000000000000000000000000000000000000000000000000000000000000000",
  "752700000000007f0000000000000000000000000000000000000000000000000000",
  "75270000000000810000000000000000000000000000000000000000000000000000",
  "003c7ff1f2f3f4f5f6f7f8f9fafbfcfdfeff0102030405060708090a0b0c0d0e0f10",
  "082c8199a9b9c8d8e8f808182838475767778999a9b9c8d8e8f80818283847576777",
  "082c7f99a9b9c8d8e8f808182838475767778999a9b9c8d8e8f80818283847576777",
  "08240000007f00000081008200000000000000000000000000000000000000000000",
  "0824000000810000007f000000000000000000000000790000000000000000000000",
  "00000000000000000000000000000000000000000000000000000000000000000000",
  "000081899199a1a9b1b9c0c8d0d8e0e8f0f8000810182028303840474f575f676f77",
  "e047006b7312a086dd537e34bb81bc357e53db86a113746aff958def617922ac83cd",
  "00000000000081000000000000000000000000000000000000000000000000000000",
  "086081007f81007f81007f81007f81007f81007f81007f81007f81007f81007f8100",
];
const LLAMA_CPP_Q4_0 = [
  "008088888888888888888888888888888888",
  "66b788888888888088888888888888888888",
  "663788888888888088888888888888888888",
  "f0cb80898989898989897878787878787878",
  "003c102233445566778899aabbccddeeffff",
  "00bcf0ffeeddccbbaa998877665544332211",
  "00b4888888808888888f888f888888888888",
  "003488888880f888888f8888888888888888",
  "000000000000000000000000000000000000",
  "0300809091a2a2b3b3c4c4d5d5e6e6f7f7f8",
  "d057680f2f99f2f0861d1f7be4f0a43b0f5d",
  "000088888888808888888888888888888888",
  "ff6f80f80f80f80f80f80f80f80f80f80f80",
];

describe("Q8_0 blocks", () => {
  it("an all-zero block has scale 0 and zero values", () => {
    expect(hex(quantizeRowQ8_0(block(() => 0)))).toBe("00".repeat(34));
  });

  it("one large value gets q = 127 and d = fp16(x / 127); the rest are 0", () => {
    const bytes = quantizeRowQ8_0(block((i) => (i === 5 ? 3.7 : 0)));
    expect(bytes[0] | (bytes[1] << 8)).toBe(0x2775); // numpy: float16(float32(3.7) / 127)
    expect([...bytes.subarray(2)]).toEqual(Array.from({ length: 32 }, (_, i) => (i === 5 ? 127 : 0)));
  });

  it("rounds halves away from zero (C's roundf)", () => {
    const bytes = quantizeRowQ8_0(block((i) => (i === 0 ? 127 : ([0.5, 1.5, -0.5, -2.5][i - 1] ?? 0))));
    expect(scale(bytes)).toBe(1);
    expect(new Int8Array(bytes.buffer, 2, 5)).toEqual(Int8Array.from([127, 1, 2, -1, -3]));
  });

  it.each(EDGE_BLOCKS.map(([name, x], i) => [name, x, LLAMA_CPP_Q8_0[i]] as const))("%s: the bytes llama.cpp writes", (_, x, expected) => {
    expect(hex(quantizeRowQ8_0(x))).toBe(expected);
  });

  it("refuses a row that is not whole blocks", () => {
    expect(() => quantizeRowQ8_0(new Float32Array(33))).toThrow(/not a whole number of 32-value blocks/);
  });
});

describe("Q4_0 blocks", () => {
  it("an all-zero block has scale -0 (0/-8) and every value at the offset 8", () => {
    expect(hex(quantizeRowQ4_0(block(() => 0)))).toBe(`0080${"88".repeat(16)}`);
  });

  it("uses the signed max: d = max / -8, so the max itself is q = 0", () => {
    const bytes = quantizeRowQ4_0(block((i) => (i === 5 ? -4 : i === 20 ? 3 : 0)));
    expect(scale(bytes)).toBe(0.5);
    expect(bytes[2 + 5] & 0x0f).toBe(0); // -4 / 0.5 + 8 = 0
    expect(bytes[2 + 4] >> 4).toBe(14); // value 20: 3 / 0.5 + 8 = 14
    expect([...dequantizeRowQ4_0(bytes)].filter((v) => v !== 0)).toEqual([-4, 3]);
  });

  it("rounds halves up (x/d + 8.5, truncated) and clamps at 15", () => {
    // max -8: d = 1; values -0.5, 0.5, 1.5, 8 -> 7.5+... : q = 8, 9, 10, 15 (16 clamped)
    const bytes = quantizeRowQ4_0(block((i) => (i === 0 ? -8 : ([-0.5, 0.5, 1.5, 8][i - 1] ?? 0))));
    expect(scale(bytes)).toBe(1);
    expect([1, 2, 3, 4].map((i) => bytes[2 + i] & 0x0f)).toEqual([8, 9, 10, 15]);
  });

  it.each(EDGE_BLOCKS.map(([name, x], i) => [name, x, LLAMA_CPP_Q4_0[i]] as const))("%s: the bytes llama.cpp writes", (_, x, expected) => {
    expect(hex(quantizeRowQ4_0(x))).toBe(expected);
  });
});

// Weights up to 5e5 keep both scales (amax/127, amax/8) inside fp16's range; quantizeGguf refuses larger ones.
const finiteBlock = fc
  .array(fc.float({ noNaN: true, noDefaultInfinity: true, min: -5e5, max: 5e5 }), { minLength: 32, maxLength: 32 })
  .map((values) => Float32Array.from(values));

describe("error bounds (property tests)", () => {
  // Q8_0: d = fl(amax/127), t = fl(x * fl(1/d)), q = roundf(t), y = q * d' (d' the stored fp16).
  // |t - q| <= 1/2; the two float32 roundings move t by at most 2 * 127 * 2^-24 < 2^-16, so
  // |x - q d| <= d/2 + 2^-16 d; storing d as fp16 adds |q| |d - d'| <= 127 |d - d'|. Hence
  //   |x - y| <= d/2 + 127 |d - d'| + 2^-15 d,
  // and with d in fp16's normal range (|d - d'| <= 2^-11 d): |x - y| <= 0.563 d.
  it("Q8_0: |x - y| <= d/2 + 127|d - d'| + 2^-15 d for every value", () => {
    fc.assert(
      fc.property(finiteBlock, (x) => {
        const bytes = quantizeRowQ8_0(x);
        const y = dequantizeRowQ8_0(bytes);
        const d = Math.fround(x.reduce((m, v) => Math.max(m, Math.abs(v)), 0) / 127);
        const stored = scale(bytes);
        for (let i = 0; i < 32; i++) {
          expect(Math.abs(x[i] - y[i])).toBeLessThanOrEqual(d / 2 + 127 * Math.abs(d - stored) + 2 ** -15 * d);
          if (d >= 2 ** -14) expect(Math.abs(x[i] - y[i])).toBeLessThanOrEqual(0.563 * d);
        }
      }),
      { numRuns: 2000, seed: 42 },
    );
  });

  // Q4_0: d = fl(max/-8) with max the signed value of largest magnitude; t = x/d lies in
  // [-8, 8] and q = min(15, trunc(t + 8.5)) = round-half-up(t) + 8 unless t >= 7.5, where the
  // clamp at 15 costs up to one whole step (x = -max gives t = 8 and is stored as 7). So
  //   |x - y| <= |d|/2 + 8|d - d'| + 2^-15|d|  where t < 7.5, and
  //   |x - y| <= |d|   + 8|d - d'| + 2^-15|d|  for the values of sign opposite to max with
  // |x| >= 15/16 amax; in fp16's normal range these are 0.504|d| and 1.004|d|.
  it("Q4_0: |x - y| <= |d|/2 + 8|d - d'| (+2^-15|d|), or |d| + 8|d - d'| where the clamp at 15 applies", () => {
    fc.assert(
      fc.property(finiteBlock, (x) => {
        const bytes = quantizeRowQ4_0(x);
        const y = dequantizeRowQ4_0(bytes);
        let max = 0;
        for (const v of x) if (Math.abs(max) < Math.abs(v)) max = v;
        const d = Math.abs(Math.fround(max / -8));
        const stored = Math.abs(scale(bytes));
        for (let i = 0; i < 32; i++) {
          const clamped = d > 0 && x[i] / -Math.sign(max) / d > 7.5 - 1e-4;
          const bound = (clamped ? d : d / 2) + 8 * Math.abs(d - stored) + 2 ** -15 * d;
          expect(Math.abs(x[i] - y[i])).toBeLessThanOrEqual(bound);
          if (d >= 2 ** -14) expect(Math.abs(x[i] - y[i])).toBeLessThanOrEqual((clamped ? 1.004 : 0.504) * d);
        }
      }),
      { numRuns: 2000, seed: 42 },
    );
  });

  it("quantizing dequantized blocks gives the same bytes (both types, scales in fp16's normal range)", () => {
    fc.assert(
      fc.property(finiteBlock, (x) => {
        const q8 = quantizeRowQ8_0(x);
        if (Math.abs(scale(q8)) >= 2 ** -14) expect(hex(quantizeRowQ8_0(dequantizeRowQ8_0(q8)))).toBe(hex(q8));
        const q4 = quantizeRowQ4_0(x);
        if (Math.abs(scale(q4)) >= 2 ** -14) expect(hex(quantizeRowQ4_0(dequantizeRowQ4_0(q4)))).toBe(hex(q4));
      }),
      { numRuns: 1000, seed: 7 },
    );
  });
});
