// quantizeGguf on real files: the tiny test GGUF read back by node-llama-cpp's own GGUF
// reader, F16 input, tensors that cannot be quantized, and refused inputs.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readGgufFileInfo } from "node-llama-cpp";
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.ts";
import { checkGguf } from "../../src/provider/gguf-check.ts";
import { quantizeRowQ4_0, quantizeRowQ8_0 } from "../../src/quantize/blocks.ts";
import { fp16BitsToFp32, fp32ToFp16Bits } from "../../src/quantize/fp16.ts";
import { serializeGguf } from "../../src/quantize/gguf-file.ts";
import { openGguf, readGgufLayout } from "../../src/quantize/gguf-read.ts";
import { quantizeGguf } from "../../src/quantize/quantize.ts";
import { writeTinyGguf } from "../fixtures/gguf-writer.ts";
import { workspace } from "../helpers/workspace.ts";

const info = (path: string) => readGgufFileInfo(path, { sourceType: "filesystem", logWarnings: false });

/** A tensor's stored bytes, located by node-llama-cpp's reader. */
async function tensorBytes(path: string, name: string, byteLength: number): Promise<Buffer> {
  const tensor = (await info(path)).tensorInfo!.find((t) => t.name === name)!;
  const at = Number(tensor.fileOffset);
  return readFileSync(path).subarray(at, at + byteLength);
}

/** Rewrite an F32 GGUF with its matrices' values changed by `map` and stored as `type` (0 F32, 1 F16); 1-D tensors (norms) stay as they are. */
function rewrite(input: string, output: string, type: 0 | 1, map: (v: number) => number = (v) => v): void {
  const file = readFileSync(input);
  const fd = openGguf(input);
  const layout = readGgufLayout(fd, input);
  const tensors = layout.tensors.map((t) => {
    const count = t.dims.reduce((a, b) => a * b, 1);
    const at = layout.dataStart + t.offset;
    const matrix = t.dims.length > 1;
    const values = Array.from({ length: count }, (_, i) => (matrix ? map(file.readFloatLE(at + 4 * i)) : file.readFloatLE(at + 4 * i)));
    const f16 = type === 1 && matrix;
    const data = f16 ? new Uint8Array(Uint16Array.from(values, fp32ToFp16Bits).buffer) : new Uint8Array(Float32Array.from(values).buffer);
    return { name: t.name, dims: t.dims, type: f16 ? 1 : 0, byteLength: data.byteLength, data };
  });
  writeFileSync(output, serializeGguf(layout.metadata, tensors));
}

describe("quantizeGguf on the tiny test model", () => {
  const dir = workspace();
  const tiny = writeTinyGguf({ dir, seed: 3, nEmbd: 64 });

  it.each([
    ["q8_0", 7, 8, quantizeRowQ8_0, 34],
    ["q4_0", 2, 2, quantizeRowQ4_0, 18],
  ] as const)(
    "%s: matrices become the type, 1-D tensors stay F32, file_type %i is set and every other key kept",
    async (type, fileType, ggmlType, quantizeRow, blockBytes) => {
      const output = join(dir, `tiny-${type}.gguf`);
      const result = quantizeGguf({ input: tiny.path, output, type });
      const before = await info(tiny.path);
      const after = await info(output);
      expect(after.metadata.general.file_type).toBe(fileType);
      expect(result.fileType).toBe(fileType);
      expect((after.metadata.general as Record<string, unknown>).quantization_version).toBe(2);
      const { file_type: _a, quantization_version: _b, ...generalAfter } = after.metadata.general as Record<string, unknown>;
      const { file_type: _c, ...generalBefore } = before.metadata.general as Record<string, unknown>;
      expect(generalAfter).toEqual(generalBefore);
      expect(after.metadata.llama).toEqual(before.metadata.llama);
      expect(after.metadata.tokenizer).toEqual(before.metadata.tokenizer);

      expect(after.tensorInfo!.map((t) => [t.name, t.dimensions.map(Number)])).toEqual(
        before.tensorInfo!.map((t) => [t.name, t.dimensions.map(Number)]),
      );
      for (const t of after.tensorInfo!) {
        const oneD = t.dimensions.length === 1;
        expect([t.name, t.ggmlType]).toEqual([t.name, oneD ? 0 : ggmlType]);
        // Every tensor's data starts at a multiple of 32.
        expect(Number(t.fileOffset) % 32).toBe(0);
      }
      expect(result.quantized).toContain("token_embd.weight");
      expect(result.quantized).toContain("output.weight");
      expect(result.kept.map((k) => k.reason)).toEqual(result.kept.map(() => "1-D"));
      expect(result.kept.length + result.quantized.length).toBe(before.tensorInfo!.length);

      // The data is the block function applied to the input's values.
      const count = 64 * tiny.nVocab;
      const values = new Float32Array(new Uint8Array(await tensorBytes(tiny.path, "output.weight", 4 * count)).buffer);
      const expected = Buffer.from(quantizeRow(values));
      expect((await tensorBytes(output, "output.weight", (count / 32) * blockBytes)).equals(expected)).toBe(true);
      expect(result.bytesOut).toBe(readFileSync(output).length);
      expect(result.bytesIn).toBe(readFileSync(tiny.path).length);
      await checkGguf(output); // complete and loadable as far as the provider's pre-check sees
    },
  );

  it("gives byte-identical files when run twice", () => {
    for (const type of ["q8_0", "q4_0"] as const) {
      quantizeGguf({ input: tiny.path, output: join(dir, `a-${type}.gguf`), type });
      quantizeGguf({ input: tiny.path, output: join(dir, `b-${type}.gguf`), type });
      expect(readFileSync(join(dir, `a-${type}.gguf`)).equals(readFileSync(join(dir, `b-${type}.gguf`)))).toBe(true);
    }
  });

  it("reads F16 tensors as ggml converts them: the same file as from F32 values rounded through fp16", () => {
    const f16 = join(dir, "tiny-f16.gguf");
    const rounded = join(dir, "tiny-f32-rounded.gguf");
    rewrite(tiny.path, f16, 1);
    rewrite(tiny.path, rounded, 0, (v) => fp16BitsToFp32(fp32ToFp16Bits(v)));
    for (const type of ["q8_0", "q4_0"] as const) {
      quantizeGguf({ input: f16, output: join(dir, `f16-${type}.gguf`), type });
      quantizeGguf({ input: rounded, output: join(dir, `rounded-${type}.gguf`), type });
      expect(readFileSync(join(dir, `f16-${type}.gguf`)).equals(readFileSync(join(dir, `rounded-${type}.gguf`)))).toBe(true);
    }
  });

  it("keeps and lists matrices whose rows are not a multiple of 32", () => {
    const odd = writeTinyGguf({ dir, seed: 4, nEmbd: 48, name: "odd.gguf" });
    const result = quantizeGguf({ input: odd.path, output: join(dir, "odd-q8_0.gguf"), type: "q8_0" });
    const rows48 = result.kept.filter((k) => k.reason === "row length not a multiple of 32").map((k) => k.name);
    expect(rows48).toContain("token_embd.weight");
    expect(rows48).toContain("blk.0.attn_q.weight");
    expect(rows48).toContain("output.weight");
    expect(result.quantized).toEqual(["blk.0.ffn_down.weight", "blk.1.ffn_down.weight"]); // rows of n_ff = 128
  });
});

describe("quantizeGguf refuses bad input and writes nothing", () => {
  const dir = workspace();
  const tiny = writeTinyGguf({ dir, seed: 5, nEmbd: 64 });
  const refused = (input: string, output: string, pattern: RegExp) => {
    const before = readdirSync(dir).sort();
    let error: unknown;
    try {
      quantizeGguf({ input, output, type: "q4_0" });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(pattern);
    expect(readdirSync(dir).sort()).toEqual(before);
  };

  it("an already quantized model, naming the file and a tensor", () => {
    const q = join(dir, "q.gguf");
    quantizeGguf({ input: tiny.path, output: q, type: "q8_0" });
    refused(q, join(dir, "qq.gguf"), /q\.gguf: tensor token_embd\.weight is Q8_0 \(and \d+ more tensors\): the model is already quantized/);
  });

  it("a weight that is NaN or infinite", () => {
    const nan = join(dir, "nan.gguf");
    let n = 0;
    rewrite(tiny.path, nan, 0, (v) => (++n === 5000 ? Number.NaN : v));
    refused(nan, join(dir, "out.gguf"), /nan\.gguf: tensor \S+ holds NaN at element \d+/);
  });

  it("weights too large for an fp16 block scale (llama.cpp refuses them too)", () => {
    const big = join(dir, "big.gguf");
    let n = 0;
    rewrite(tiny.path, big, 0, (v) => (++n === 7 ? 1e7 : v));
    refused(big, join(dir, "out.gguf"), /big\.gguf: tensor token_embd\.weight has weights too large for an fp16 block scale/);
  });

  it("an output that is the input, under another spelling", () => {
    refused(tiny.path, join(dir, ".", "..", dir.split("/").pop()!, "tiny-llama-5.gguf"), /--out is the input file/);
    expect(existsSync(`${tiny.path}.tmp`)).toBe(false);
  });

  it("an unknown type, listing the valid ones", () => {
    expect(() => quantizeGguf({ input: tiny.path, output: join(dir, "x.gguf"), type: "q5_k" as "q8_0" })).toThrow(
      /unknown quantization type "q5_k"; valid: q8_0, q4_0/,
    );
  });
});
