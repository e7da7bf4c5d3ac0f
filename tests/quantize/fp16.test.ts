// fp32 <-> fp16 as ggml converts (round to nearest even): vectors from numpy's
// float32.astype(float16) run here (Debian's python3-numpy 1.24.2).
import { describe, expect, it } from "vitest";
import { fp16BitsToFp32, fp32ToFp16Bits } from "../../src/quantize/fp16.ts";

// [float32 value, numpy's fp16 bits]
const NUMPY: [number, number][] = [
  [0.0, 0x0000],
  [-0.0, 0x8000],
  [1.0, 0x3c00],
  [-2.5, 0xc100],
  [65504.0, 0x7bff],
  [65519.98828125, 0x7bff],
  [65520.0, 0x7c00],
  [1000000.0, 0x7c00],
  [-1000000.0, 0xfc00],
  [6.103515625e-5, 0x0400],
  [5.999999848427251e-5, 0x03ef],
  [2 ** -24, 0x0001],
  [2.9802322387695312e-8, 0x0000],
  [2.980232594040899e-8, 0x0001],
  [9.999999717180685e-10, 0x0000],
  [0.10000000149011612, 0x2e66],
  [0.3333333432674408, 0x3555],
  [1.0009765625, 0x3c01],
  [1.00048828125, 0x3c00],
  [1.00146484375, 0x3c02],
  [1.000732421875, 0x3c01],
  [0.029133858159184456, 0x2775],
  [2048.5, 0x6800],
  [2049.0, 0x6800],
  [-7.62939453125e-6, 0x8080],
  [Number.POSITIVE_INFINITY, 0x7c00],
  [Number.NEGATIVE_INFINITY, 0xfc00],
];

describe("fp32ToFp16Bits", () => {
  it.each(NUMPY)("rounds %s to numpy's bits %i", (value, bits) => {
    expect(fp32ToFp16Bits(value)).toBe(bits);
  });

  it("turns NaN into ggml's quiet NaN 0x7e00", () => {
    expect(fp32ToFp16Bits(Number.NaN)).toBe(0x7e00);
  });

  it("round-trips every finite fp16 value and decodes exactly", () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      if ((bits & 0x7c00) === 0x7c00) continue;
      expect(fp32ToFp16Bits(fp16BitsToFp32(bits))).toBe(bits);
    }
    expect(fp16BitsToFp32(0x7c00)).toBe(Number.POSITIVE_INFINITY);
    expect(fp16BitsToFp32(0x0001)).toBe(2 ** -24);
    expect(fp16BitsToFp32(0x03ef)).toBe(1007 * 2 ** -24);
    expect(fp16BitsToFp32(0x2775)).toBe((1 + 0x375 / 1024) * 2 ** -6);
    expect(Object.is(fp16BitsToFp32(0x8000), -0)).toBe(true);
  });
});
