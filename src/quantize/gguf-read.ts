// Reading a GGUF file's layout: version, metadata pairs (kept as stored bytes, so they are
// written back unchanged), tensor infos and where the tensor data starts (ggml/src/gguf.cpp).
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { UserError } from "../errors.ts";
import { GGUF_DEFAULT_ALIGNMENT, type GgufKv } from "./gguf-file.ts";

/** A metadata pair: its stored bytes and, for scalars and strings, the decoded value. */
export interface GgufMetadataEntry extends GgufKv {
  valueType: number;
  value?: number | bigint | boolean | string;
}

/** A tensor as the file describes it: GGUF dims (ne0, the row length, first), ggml type, offset in the data section. */
export interface GgufTensorInfo {
  name: string;
  dims: number[];
  type: number;
  offset: number;
}

/** Everything in a GGUF file before its tensor data. */
export interface GgufLayout {
  version: number;
  metadata: GgufMetadataEntry[];
  tensors: GgufTensorInfo[];
  alignment: number;
  /** Byte offset of the data section (the header padded to the alignment). */
  dataStart: number;
  fileSize: number;
}

/** ggml's type names by type id (ggml/src/ggml.c, type_traits), for messages. */
export const GGML_TYPE_NAMES: Record<number, string> = {
  0: "F32",
  1: "F16",
  2: "Q4_0",
  3: "Q4_1",
  6: "Q5_0",
  7: "Q5_1",
  8: "Q8_0",
  9: "Q8_1",
  10: "Q2_K",
  11: "Q3_K",
  12: "Q4_K",
  13: "Q5_K",
  14: "Q6_K",
  15: "Q8_K",
  16: "IQ2_XXS",
  17: "IQ2_XS",
  18: "IQ3_XXS",
  19: "IQ1_S",
  20: "IQ4_NL",
  21: "IQ3_S",
  22: "IQ2_S",
  23: "IQ4_XS",
  24: "I8",
  25: "I16",
  26: "I32",
  27: "I64",
  28: "F64",
  29: "IQ1_M",
  30: "BF16",
  34: "TQ1_0",
  35: "TQ2_0",
  39: "MXFP4",
  40: "NVFP4",
  41: "Q1_0",
  42: "Q2_0",
};

/** Bytes of the fixed-size GGUF value types by type code (u8 i8 u16 i16 u32 i32 f32 bool, -, -, u64 i64 f64). */
const SCALAR_BYTES: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };
const STRING = 8;
const ARRAY = 9;
/** Real headers (a 256k-token vocabulary included) take tens of MiB; more means a corrupt count or length. */
const MAX_HEADER_BYTES = 256 * 2 ** 20;
/** GGML_MAX_DIMS */
const MAX_DIMS = 4;

/** Thrown when the header runs past the bytes read so far (read more, or the file is truncated). */
class OutOfData extends Error {}

class Cursor {
  at = 0;
  constructor(private readonly buffer: Buffer) {}
  take(n: number): number {
    if (n < 0 || this.at + n > this.buffer.length) throw new OutOfData();
    const start = this.at;
    this.at += n;
    return start;
  }
  u32(): number {
    return this.buffer.readUInt32LE(this.take(4));
  }
  u64(): number {
    const value = this.buffer.readBigUInt64LE(this.take(8));
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new OutOfData();
    return Number(value);
  }
  string(): string {
    const length = this.u64();
    const start = this.take(length);
    return this.buffer.toString("utf8", start, start + length);
  }
  slice(start: number, end: number): Buffer {
    return Buffer.from(this.buffer.subarray(start, end));
  }
  /** Skip (or decode, for scalars and strings) one value of `type`. */
  value(type: number): number | bigint | boolean | string | undefined {
    if (type === STRING) return this.string();
    if (type === ARRAY) {
      const itemType = this.u32();
      const count = this.u64();
      if (SCALAR_BYTES[itemType] !== undefined) this.take(count * SCALAR_BYTES[itemType]);
      else for (let i = 0; i < count; i++) this.value(itemType);
      return undefined;
    }
    const size = SCALAR_BYTES[type];
    if (size === undefined) throw new UserError(`unknown metadata value type ${type}`);
    const at = this.take(size);
    const b = this.buffer;
    switch (type) {
      case 0:
        return b.readUInt8(at);
      case 1:
        return b.readInt8(at);
      case 2:
        return b.readUInt16LE(at);
      case 3:
        return b.readInt16LE(at);
      case 4:
        return b.readUInt32LE(at);
      case 5:
        return b.readInt32LE(at);
      case 6:
        return b.readFloatLE(at);
      case 7:
        return b[at] !== 0;
      case 10:
        return b.readBigUInt64LE(at);
      case 11:
        return b.readBigInt64LE(at);
      default:
        return b.readDoubleLE(at);
    }
  }
}

function parse(buffer: Buffer, fileSize: number): GgufLayout {
  const c = new Cursor(buffer);
  c.take(4);
  const version = c.u32();
  if (version < 2 || version > 3) throw new UserError(`unsupported GGUF version ${version} (GGUF 2 and 3 are read)`);
  const tensorCount = c.u64();
  const kvCount = c.u64();
  const metadata: GgufMetadataEntry[] = [];
  for (let i = 0; i < kvCount; i++) {
    const key = c.string();
    const start = c.at;
    const valueType = c.u32();
    const value = c.value(valueType);
    metadata.push({ key, raw: c.slice(start, c.at), valueType, value });
  }
  const tensors: GgufTensorInfo[] = [];
  for (let i = 0; i < tensorCount; i++) {
    const name = c.string();
    const nDims = c.u32();
    if (nDims < 1 || nDims > MAX_DIMS) throw new UserError(`tensor ${name} has ${nDims} dimensions (1 to ${MAX_DIMS} are valid)`);
    const dims = Array.from({ length: nDims }, () => c.u64());
    tensors.push({ name, dims, type: c.u32(), offset: c.u64() });
  }
  const alignmentEntry = metadata.find((m) => m.key === "general.alignment");
  const alignment = alignmentEntry ? Number(alignmentEntry.value) : GGUF_DEFAULT_ALIGNMENT;
  if (!Number.isInteger(alignment) || alignment <= 0 || (alignment & (alignment - 1)) !== 0)
    throw new UserError(`general.alignment is ${String(alignmentEntry?.value)}; it must be a power of two`);
  return { version, metadata, tensors, alignment, dataStart: Math.ceil(c.at / alignment) * alignment, fileSize };
}

/**
 * Read the layout of the GGUF file open as `fd` (`path` names it in errors). Reads the header
 * in growing chunks, so a multi-gigabyte model costs only its header here.
 * Throws a UserError located at `path` for a file that is not GGUF or is truncated.
 */
export function readGgufLayout(fd: number, path: string): GgufLayout {
  const fileSize = fstatSync(fd).size;
  const magic = Buffer.alloc(4);
  readSync(fd, magic, 0, 4, 0);
  if (fileSize < 24 || magic.toString("latin1") !== "GGUF")
    throw new UserError(`not a GGUF file (it does not start with the "GGUF" magic bytes)`, { code: "E_MODEL_FILE", location: path });
  for (let chunk = Math.min(fileSize, 1 << 20); ; chunk = Math.min(fileSize, MAX_HEADER_BYTES, chunk * 4)) {
    const buffer = Buffer.alloc(chunk);
    readSync(fd, buffer, 0, chunk, 0);
    try {
      return parse(buffer, fileSize);
    } catch (error) {
      if (error instanceof UserError) throw new UserError(error.message, { code: "E_MODEL_FILE", location: path });
      if (!(error instanceof OutOfData)) throw error;
      if (chunk >= MAX_HEADER_BYTES)
        throw new UserError(
          `the GGUF header is corrupt (it claims more than ${MAX_HEADER_BYTES / 2 ** 20} MiB of metadata and tensor infos)`,
          {
            code: "E_MODEL_FILE",
            location: path,
          },
        );
      if (chunk >= fileSize)
        throw new UserError(`the GGUF header is truncated or corrupt (it runs past the end of the file's ${fileSize} bytes)`, {
          code: "E_MODEL_FILE",
          location: path,
        });
    }
  }
}

/** Open `path` for reading; a missing file or a directory is a UserError. */
export function openGguf(path: string): number {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(code === "ENOENT" ? "no such file" : `cannot read it (${code ?? String(error)})`, {
      code: "E_MODEL_FILE",
      location: path,
      cause: error,
    });
  }
  if (!fstatSync(fd).isFile()) {
    closeSync(fd);
    throw new UserError("not a regular file (a .gguf file is needed)", { code: "E_MODEL_FILE", location: path });
  }
  return fd;
}
