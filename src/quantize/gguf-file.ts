// Writing GGUF files (version 3): metadata key/value pairs, tensor infos and tensor data, each
// tensor's data at a multiple of the alignment (ggml/src/gguf.cpp, gguf_write_to_buf).

/** A typed GGUF metadata value (GGUF v3 value types). */
export type GgufValue =
  | { type: "u32"; value: number }
  | { type: "i32"; value: number }
  | { type: "f32"; value: number }
  | { type: "bool"; value: boolean }
  | { type: "string"; value: string }
  | { type: "u64"; value: bigint }
  | { type: "array"; itemType: "u32" | "i32" | "f32" | "string"; value: (number | string)[] };

/** A metadata pair as stored: the key and the bytes after it (value type code, then the value). */
export interface GgufKv {
  key: string;
  raw: Buffer;
}

/** A tensor to write: GGUF dims (ne0 first: the row length), ggml type, and its bytes. */
export interface GgufTensorOut {
  name: string;
  dims: number[];
  type: number;
  byteLength: number;
}

/** ggml's default alignment of tensor data (GGUF_DEFAULT_ALIGNMENT). */
export const GGUF_DEFAULT_ALIGNMENT = 32;

const TYPE_CODE = { u32: 4, i32: 5, f32: 6, bool: 7, string: 8, array: 9, u64: 10 } as const;

/** Appends little-endian values to a list of buffers. */
class ByteSink {
  private chunks: Buffer[] = [];
  length = 0;
  push(buffer: Buffer) {
    this.chunks.push(buffer);
    this.length += buffer.length;
  }
  u32(v: number) {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    this.push(b);
  }
  i32(v: number) {
    const b = Buffer.alloc(4);
    b.writeInt32LE(v);
    this.push(b);
  }
  f32(v: number) {
    const b = Buffer.alloc(4);
    b.writeFloatLE(v);
    this.push(b);
  }
  u64(v: bigint | number) {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    this.push(b);
  }
  str(s: string) {
    const b = Buffer.from(s, "utf8");
    this.u64(b.length);
    this.push(b);
  }
  pad(alignment: number) {
    const n = (alignment - (this.length % alignment)) % alignment;
    if (n) this.push(Buffer.alloc(n));
  }
  concat() {
    return Buffer.concat(this.chunks);
  }
}

/** The stored form of a typed metadata value. */
export function encodeKv(key: string, value: GgufValue): GgufKv {
  const sink = new ByteSink();
  sink.u32(TYPE_CODE[value.type]);
  writeValue(sink, value);
  return { key, raw: sink.concat() };
}

function writeValue(out: ByteSink, v: GgufValue) {
  switch (v.type) {
    case "u32":
      return out.u32(v.value);
    case "i32":
      return out.i32(v.value);
    case "f32":
      return out.f32(v.value);
    case "bool":
      return out.push(Buffer.from([v.value ? 1 : 0]));
    case "string":
      return out.str(v.value);
    case "u64":
      return out.u64(v.value);
    case "array":
      out.u32(TYPE_CODE[v.itemType]);
      out.u64(v.value.length);
      for (const item of v.value) {
        if (v.itemType === "string") out.str(String(item));
        else writeValue(out, { type: v.itemType, value: Number(item) });
      }
  }
}

/**
 * Everything before the tensor data: header, metadata, tensor infos, padding to `alignment`.
 * Returns it with each tensor's offset in the data section (each padded to `alignment`).
 */
export function ggufHeader(
  kvs: GgufKv[],
  tensors: GgufTensorOut[],
  alignment = GGUF_DEFAULT_ALIGNMENT,
): { header: Buffer; offsets: number[] } {
  const out = new ByteSink();
  out.push(Buffer.from("GGUF", "ascii"));
  out.u32(3);
  out.u64(tensors.length);
  out.u64(kvs.length);
  for (const kv of kvs) {
    out.str(kv.key);
    out.push(kv.raw);
  }
  let offset = 0;
  const offsets: number[] = [];
  for (const t of tensors) {
    out.str(t.name);
    out.u32(t.dims.length);
    for (const d of t.dims) out.u64(d);
    out.u32(t.type);
    out.u64(offset);
    offsets.push(offset);
    offset += paddedLength(t.byteLength, alignment);
  }
  out.pad(alignment);
  return { header: out.concat(), offsets };
}

/** `length` rounded up to a multiple of `alignment` (ggml's GGML_PAD). */
export function paddedLength(length: number, alignment: number): number {
  return Math.ceil(length / alignment) * alignment;
}

/** A whole GGUF file in memory (small files: test fixtures). */
export function serializeGguf(
  kvs: GgufKv[],
  tensors: (GgufTensorOut & { data: Uint8Array })[],
  alignment = GGUF_DEFAULT_ALIGNMENT,
): Buffer {
  const { header } = ggufHeader(kvs, tensors, alignment);
  const parts: Buffer[] = [header];
  for (const t of tensors) {
    parts.push(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    const pad = paddedLength(t.byteLength, alignment) - t.byteLength;
    if (pad) parts.push(Buffer.alloc(pad));
  }
  return Buffer.concat(parts);
}
