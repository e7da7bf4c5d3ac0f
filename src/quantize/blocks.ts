// ggml's Q8_0 and Q4_0 blocks: reference row quantizers and dequantizers, reimplemented to give
// the same bytes as ggml/src/ggml-quants.c (quantize_row_q8_0_ref, quantize_row_q4_0_ref,
// dequantize_row_q8_0, dequantize_row_q4_0), which llama_model_quantize uses without an imatrix.
import { fp16BitsToFp32, fp32ToFp16Bits } from "./fp16.ts";

/** Values per block (ggml's QK8_0 and QK4_0). */
export const BLOCK_VALUES = 32;
/** Bytes per Q8_0 block: an fp16 scale and 32 int8 values. */
export const Q8_0_BLOCK_BYTES = 34;
/** Bytes per Q4_0 block: an fp16 scale and 32 four-bit values packed two to a byte. */
export const Q4_0_BLOCK_BYTES = 18;

const fround = Math.fround;

/**
 * C's float-to-int8_t conversion as x86 does it (cvttss2si, then the low byte): truncation
 * toward zero; NaN and out-of-range give 0x80000000, whose low byte is 0. Only a block of
 * subnormal values (whose 1/d overflows to infinity) reaches the out-of-range case.
 */
function toInt8(value: number): number {
  const int32 = Number.isNaN(value) || Math.abs(value) >= 2 ** 31 ? -(2 ** 31) : Math.trunc(value);
  return (int32 << 24) >> 24;
}

/** C's roundf: halves away from zero (exact here: a float32 plus 0.5 is exact in a double). */
function roundf(value: number): number {
  return value < 0 ? -Math.floor(-value + 0.5) : Math.floor(value + 0.5);
}

function checkLength(length: number): number {
  if (length % BLOCK_VALUES !== 0) throw new RangeError(`a row of ${length} values is not a whole number of ${BLOCK_VALUES}-value blocks`);
  return length / BLOCK_VALUES;
}

/**
 * Quantize float32 values (a multiple of 32) to Q8_0: per block d = amax/127, q = roundf(x/d).
 * @example quantizeRowQ8_0(new Float32Array(32).fill(1)) // d = fp16(1/127), every q = 127
 */
export function quantizeRowQ8_0(x: Float32Array): Uint8Array {
  const blocks = checkLength(x.length);
  const out = new Uint8Array(blocks * Q8_0_BLOCK_BYTES);
  const view = new DataView(out.buffer);
  for (let b = 0; b < blocks; b++) {
    const start = b * BLOCK_VALUES;
    let amax = 0;
    for (let j = 0; j < BLOCK_VALUES; j++) {
      const v = Math.abs(x[start + j]);
      amax = Math.max(amax, v); // ggml: MAX(amax, fabsf(v)); equal for the finite values quantized here
    }
    const d = fround(amax / 127);
    const id = d ? fround(1 / d) : 0;
    const at = b * Q8_0_BLOCK_BYTES;
    view.setUint16(at, fp32ToFp16Bits(d), true);
    for (let j = 0; j < BLOCK_VALUES; j++) out[at + 2 + j] = toInt8(roundf(fround(x[start + j] * id))) & 0xff;
  }
  return out;
}

/**
 * Quantize float32 values (a multiple of 32) to Q4_0: per block the value of largest magnitude
 * (the first one, with its sign) gives d = max/-8; q = min(15, trunc(x/d + 8.5)), stored as
 * the low nibbles of values 0-15 and the high nibbles of values 16-31.
 * @example quantizeRowQ4_0(new Float32Array(32)) // d = -0 (0x8000), every byte 0x88
 */
export function quantizeRowQ4_0(x: Float32Array): Uint8Array {
  const blocks = checkLength(x.length);
  const out = new Uint8Array(blocks * Q4_0_BLOCK_BYTES);
  const view = new DataView(out.buffer);
  const half = BLOCK_VALUES / 2;
  for (let b = 0; b < blocks; b++) {
    const start = b * BLOCK_VALUES;
    let amax = 0;
    let max = 0;
    for (let j = 0; j < BLOCK_VALUES; j++) {
      const v = x[start + j];
      if (amax < Math.abs(v)) {
        amax = Math.abs(v);
        max = v;
      }
    }
    const d = fround(max / -8);
    const id = d ? fround(1 / d) : 0;
    const at = b * Q4_0_BLOCK_BYTES;
    view.setUint16(at, fp32ToFp16Bits(d), true);
    for (let j = 0; j < half; j++) {
      const low = Math.min(15, toInt8(fround(fround(x[start + j] * id) + 8.5))) & 0xff;
      const high = Math.min(15, toInt8(fround(fround(x[start + half + j] * id) + 8.5))) & 0xff;
      out[at + 2 + j] = (low | (high << 4)) & 0xff;
    }
  }
  return out;
}

/** Float32 values of Q8_0 blocks: q * d, as ggml's dequantize_row_q8_0. */
export function dequantizeRowQ8_0(bytes: Uint8Array): Float32Array {
  const blocks = bytes.length / Q8_0_BLOCK_BYTES;
  const out = new Float32Array(blocks * BLOCK_VALUES);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let b = 0; b < blocks; b++) {
    const d = fp16BitsToFp32(view.getUint16(b * Q8_0_BLOCK_BYTES, true));
    for (let j = 0; j < BLOCK_VALUES; j++) out[b * BLOCK_VALUES + j] = view.getInt8(b * Q8_0_BLOCK_BYTES + 2 + j) * d;
  }
  return out;
}

/** Float32 values of Q4_0 blocks: (q - 8) * d, as ggml's dequantize_row_q4_0. */
export function dequantizeRowQ4_0(bytes: Uint8Array): Float32Array {
  const blocks = bytes.length / Q4_0_BLOCK_BYTES;
  const out = new Float32Array(blocks * BLOCK_VALUES);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const half = BLOCK_VALUES / 2;
  for (let b = 0; b < blocks; b++) {
    const d = fp16BitsToFp32(view.getUint16(b * Q4_0_BLOCK_BYTES, true));
    for (let j = 0; j < half; j++) {
      const byte = bytes[b * Q4_0_BLOCK_BYTES + 2 + j];
      out[b * BLOCK_VALUES + j] = ((byte & 0x0f) - 8) * d;
      out[b * BLOCK_VALUES + half + j] = ((byte >> 4) - 8) * d;
    }
  }
  return out;
}
