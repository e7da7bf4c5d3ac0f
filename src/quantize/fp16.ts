// IEEE half-precision conversions exactly as ggml does them (ggml/src/ggml-impl.h,
// ggml_compute_fp32_to_fp16 / ggml_compute_fp16_to_fp32, after Maratyszcza/FP16).
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

const bitsOf = (value: number): number => {
  f32[0] = value;
  return u32[0];
};

const fromBits = (bits: number): number => {
  u32[0] = bits >>> 0;
  return f32[0];
};

/**
 * The fp16 bit pattern of a float32 value, rounded to nearest even; NaN becomes 0x7E00 (with
 * its sign), overflow infinity. ggml's branch-free algorithm: scaling by 2^112 then 2^-110 and
 * adding a bias makes the float32 adder do the rounding. Every step is a float32 operation,
 * done here as a double operation then Math.fround, which rounds the same way (a double holds
 * more than 2 x 24 + 2 bits, so the double rounding is harmless for +, * and /).
 * @example fp32ToFp16Bits(1) // 0x3c00
 */
export function fp32ToFp16Bits(value: number): number {
  let base = Math.fround(Math.fround(Math.abs(Math.fround(value)) * 2 ** 112) * 2 ** -110);
  const w = bitsOf(value);
  const shl1w = (w * 2) % 2 ** 32;
  const sign = w & 0x80000000;
  let bias = (shl1w & 0xff000000) >>> 0;
  if (bias < 0x71000000) bias = 0x71000000;
  base = Math.fround(fromBits((bias >>> 1) + 0x07800000) + base);
  const bits = bitsOf(base);
  const nonsign = ((bits >>> 13) & 0x7c00) + (bits & 0x0fff);
  return ((sign >>> 16) | (shl1w > 0xff000000 ? 0x7e00 : nonsign)) & 0xffff;
}

/**
 * The float32 value of an fp16 bit pattern (exact: every half is a float32).
 * @example fp16BitsToFp32(0x3c00) // 1
 */
export function fp16BitsToFp32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}
