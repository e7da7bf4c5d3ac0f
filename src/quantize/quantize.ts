// `assay quantize`: writes a Q8_0 or Q4_0 copy of an F32/F16 GGUF model, as
// `llama-quantize --pure` does (every matrix, token embeddings and output included).
import { closeSync, existsSync, openSync, readSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { resolve } from "node:path";
import { UserError } from "../errors.ts";
import { BLOCK_VALUES, Q4_0_BLOCK_BYTES, Q8_0_BLOCK_BYTES, quantizeRowQ4_0, quantizeRowQ8_0 } from "./blocks.ts";
import { fp16BitsToFp32 } from "./fp16.ts";
import { encodeKv, type GgufKv, type GgufTensorOut, ggufHeader, paddedLength } from "./gguf-file.ts";
import { GGML_TYPE_NAMES, type GgufLayout, type GgufTensorInfo, openGguf, readGgufLayout } from "./gguf-read.ts";

/** The target types, with ggml's type id and llama.cpp's file type (LLAMA_FTYPE_MOSTLY_*, include/llama.h). */
export const QUANT_TYPES = {
  q8_0: { name: "Q8_0", ggmlType: 8, fileType: 7, blockBytes: Q8_0_BLOCK_BYTES, quantizeRow: quantizeRowQ8_0 },
  q4_0: { name: "Q4_0", ggmlType: 2, fileType: 2, blockBytes: Q4_0_BLOCK_BYTES, quantizeRow: quantizeRowQ4_0 },
} as const;

/** A quantization target: `q8_0` or `q4_0`. */
export type QuantType = keyof typeof QUANT_TYPES;

/** llama.cpp writes GGML_QNT_VERSION (ggml/include/ggml.h) into every file it quantizes. */
const QUANTIZATION_VERSION = 2;
const F32 = 0;
const F16 = 1;
/** Values converted per step: memory stays flat however large a tensor is. */
const CHUNK_VALUES = 1 << 20;

export interface QuantizeOptions {
  input: string;
  output: string;
  type: QuantType;
}

/** A tensor written unchanged, and why. */
export interface KeptTensor {
  name: string;
  type: string;
  reason: "1-D" | "row length not a multiple of 32";
}

export interface QuantizeResult {
  input: string;
  output: string;
  type: QuantType;
  /** The `general.file_type` written (LLAMA_FTYPE_MOSTLY_Q8_0 = 7, MOSTLY_Q4_0 = 2). */
  fileType: number;
  /** Names of the tensors converted to the target type, in file order. */
  quantized: string[];
  /** Tensors copied unchanged: 1-D tensors (norms) and matrices whose rows cannot be split into blocks. */
  kept: KeptTensor[];
  bytesIn: number;
  bytesOut: number;
}

/**
 * Write a `type` copy of the GGUF model `input` to `output` (through `output.tmp`, renamed at
 * the end, so a failure leaves nothing). Every tensor of two or more dimensions whose row
 * length is a multiple of 32 is quantized; the rest is copied. Metadata is kept, except
 * `general.file_type` and `general.quantization_version`, which are set and moved to the end
 * as llama.cpp's quantizer does (src/llama-quant.cpp, gguf_set_val_u32).
 * @example quantizeGguf({ input: "models/demo.gguf", output: "demo-q8_0.gguf", type: "q8_0" })
 */
export function quantizeGguf(options: QuantizeOptions): QuantizeResult {
  const target = QUANT_TYPES[options.type];
  if (!target)
    throw new UserError(`unknown quantization type "${options.type}"; valid: ${Object.keys(QUANT_TYPES).join(", ")}`, {
      code: "E_QUANT_TYPE",
    });
  checkDistinct(options.input, options.output);
  const fd = openGguf(options.input);
  try {
    const layout = readGgufLayout(fd, options.input);
    checkTensors(layout, options.input);
    const plan = layout.tensors.map((tensor) => planTensor(tensor, target));
    const metadata: GgufKv[] = layout.metadata.filter((m) => m.key !== "general.quantization_version" && m.key !== "general.file_type");
    metadata.push(encodeKv("general.quantization_version", { type: "u32", value: QUANTIZATION_VERSION }));
    metadata.push(encodeKv("general.file_type", { type: "u32", value: target.fileType }));
    const { header } = ggufHeader(
      metadata,
      plan.map((p) => p.out),
      layout.alignment,
    );
    const bytesOut = writeAtomically(options.output, (out) => {
      writeAll(out, header);
      let written = header.length;
      for (const p of plan) {
        written += copyTensor(fd, layout, p, out, options.input, target);
        const pad = paddedLength(p.out.byteLength, layout.alignment) - p.out.byteLength;
        if (pad) written += writeAll(out, Buffer.alloc(pad));
      }
      return written;
    });
    return {
      input: options.input,
      output: options.output,
      type: options.type,
      fileType: target.fileType,
      quantized: plan.filter((p) => p.quantize).map((p) => p.tensor.name),
      kept: plan.flatMap((p) => (p.kept ? [p.kept] : [])),
      bytesIn: layout.fileSize,
      bytesOut,
    };
  } finally {
    closeSync(fd);
  }
}

interface TensorPlan {
  tensor: GgufTensorInfo;
  out: GgufTensorOut;
  quantize: boolean;
  kept?: KeptTensor;
}

const elementsOf = (tensor: GgufTensorInfo) => tensor.dims.reduce((n, d) => n * d, 1);
const bytesOf = (tensor: GgufTensorInfo) => elementsOf(tensor) * (tensor.type === F16 ? 2 : 4);
const typeName = (type: number) => GGML_TYPE_NAMES[type] ?? `type ${type}`;

function planTensor(tensor: GgufTensorInfo, target: (typeof QUANT_TYPES)[QuantType]): TensorPlan {
  // ggml_n_dims: trailing dimensions of 1 do not count, so [n, 1] is a 1-D tensor.
  const matrix = tensor.dims.slice(1).some((d) => d > 1);
  const rowsFit = tensor.dims[0] % BLOCK_VALUES === 0;
  if (matrix && rowsFit) {
    const byteLength = (elementsOf(tensor) / BLOCK_VALUES) * target.blockBytes;
    return { tensor, quantize: true, out: { name: tensor.name, dims: tensor.dims, type: target.ggmlType, byteLength } };
  }
  // llama.cpp writes such a matrix as F16 (tensor_type_fallback); here it stays as it was, and is listed.
  return {
    tensor,
    quantize: false,
    out: { name: tensor.name, dims: tensor.dims, type: tensor.type, byteLength: bytesOf(tensor) },
    kept: { name: tensor.name, type: typeName(tensor.type), reason: matrix ? "row length not a multiple of 32" : "1-D" },
  };
}

/** Only F32 and F16 tensors are read, and all of their data must be in the file. */
function checkTensors(layout: GgufLayout, path: string): void {
  const unsupported = layout.tensors.filter((t) => t.type !== F32 && t.type !== F16);
  if (unsupported.length > 0) {
    const first = unsupported[0];
    const quantized = ![24, 25, 26, 27, 28, 30].includes(first.type);
    const more = unsupported.length > 1 ? ` (and ${unsupported.length - 1} more tensors)` : "";
    throw new UserError(
      quantized
        ? `tensor ${first.name} is ${typeName(first.type)}${more}: the model is already quantized; quantize its F32 or F16 original`
        : `tensor ${first.name} is ${typeName(first.type)}${more}: assay quantize reads F32 and F16 tensors only`,
      { code: "E_MODEL_FILE", location: path },
    );
  }
  for (const tensor of layout.tensors) {
    const end = layout.dataStart + tensor.offset + bytesOf(tensor);
    if (end > layout.fileSize)
      throw new UserError(`the file is truncated: tensor ${tensor.name} ends at byte ${end} but the file has ${layout.fileSize} bytes`, {
        code: "E_MODEL_FILE",
        location: path,
      });
  }
}

/** Write one tensor's data (converted or copied) to `out`; returns the bytes written. */
function copyTensor(
  fd: number,
  layout: GgufLayout,
  plan: TensorPlan,
  out: number,
  path: string,
  { quantizeRow, blockBytes }: (typeof QUANT_TYPES)[QuantType],
): number {
  const { tensor } = plan;
  const width = tensor.type === F16 ? 2 : 4;
  const rowValues = tensor.dims[0];
  // Whole rows per chunk: a block never straddles two chunks.
  const chunkValues = plan.quantize ? Math.max(1, Math.floor(CHUNK_VALUES / rowValues)) * rowValues : CHUNK_VALUES;
  const total = elementsOf(tensor);
  let written = 0;
  for (let done = 0; done < total; done += chunkValues) {
    const count = Math.min(chunkValues, total - done);
    const bytes = Buffer.alloc(count * width);
    readSync(fd, bytes, 0, bytes.length, layout.dataStart + tensor.offset + done * width);
    if (!plan.quantize) {
      written += writeAll(out, bytes);
      continue;
    }
    const values = new Float32Array(count);
    for (let i = 0; i < count; i++) values[i] = width === 2 ? fp16BitsToFp32(bytes.readUInt16LE(i * 2)) : bytes.readFloatLE(i * 4);
    const bad = values.findIndex((v) => !Number.isFinite(v));
    // llama.cpp's loader refuses such tensors too (check_tensors); ggml's rounding of them is undefined C.
    if (bad >= 0)
      throw new UserError(`tensor ${tensor.name} holds ${values[bad]} at element ${done + bad}; only finite weights can be quantized`, {
        code: "E_MODEL_FILE",
        location: path,
      });
    const blocks = quantizeRow(values);
    checkScales(blocks, blockBytes, tensor.name, path);
    written += writeAll(out, blocks);
  }
  return written;
}

/**
 * A block scale beyond fp16's range (weights above 65504 x 127 for Q8_0, 65504 x 8 for Q4_0)
 * is stored as infinity; llama.cpp's quantizer refuses such a tensor (ggml_validate_row_data).
 */
function checkScales(blocks: Uint8Array, blockBytes: number, name: string, path: string): void {
  for (let at = 0; at < blocks.length; at += blockBytes) {
    if ((blocks[at + 1] & 0x7c) === 0x7c)
      throw new UserError(`tensor ${name} has weights too large for an fp16 block scale (block ${at / blockBytes} of this chunk)`, {
        code: "E_MODEL_FILE",
        location: path,
      });
  }
}

/** Refuse writing over the input (by path, or by inode when the output exists: a link or another spelling). */
function checkDistinct(input: string, output: string): void {
  let same = resolve(input) === resolve(output);
  if (!same && existsSync(output) && existsSync(input)) {
    const a = statSync(input);
    const b = statSync(output);
    same = a.dev === b.dev && a.ino === b.ino;
  }
  if (same)
    throw new UserError("--out is the input file; write the quantized copy to another file", { code: "E_QUANT_OUT", location: output });
  if (existsSync(output) && statSync(output).isDirectory())
    throw new UserError("--out is a directory; name the .gguf file to write", { code: "E_QUANT_OUT", location: output });
}

/** Run `write` on `PATH.tmp` and rename it to `path`; on any failure remove the temporary file. */
function writeAtomically(path: string, write: (fd: number) => number): number {
  const temporary = `${path}.tmp`;
  let fd: number;
  try {
    fd = openSync(temporary, "w");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(`cannot write ${temporary} (${code === "ENOENT" ? "its directory does not exist" : (code ?? String(error))})`, {
      code: "E_QUANT_OUT",
      location: path,
      cause: error,
    });
  }
  let open = true;
  try {
    const bytes = write(fd);
    closeSync(fd);
    open = false;
    renameSync(temporary, path);
    return bytes;
  } catch (error) {
    if (open) closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** writeSync until every byte is written (it may write fewer than asked). */
function writeAll(fd: number, bytes: Uint8Array): number {
  for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
  return bytes.length;
}
