// `assay quantize` as a user runs it: a real process; mistakes exit 2 with the path and write nothing.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readGgufFileInfo } from "node-llama-cpp";
import { describe, expect, it } from "vitest";
import { assay } from "../helpers/cli.ts";
import { writeTinyGguf } from "../fixtures/gguf-writer.ts";
import { workspace } from "../helpers/workspace.ts";

describe("assay quantize", () => {
  const dir = workspace();
  const tiny = writeTinyGguf({ dir, seed: 6, nEmbd: 64, name: "tiny.gguf" });

  it("writes the file, prints what it quantized and kept and the sizes, and sets general.file_type", async () => {
    const r = assay(dir, "quantize", "tiny.gguf", "--type", "Q4_0", "--out", "tiny-q4_0.gguf");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    // 64 x 354 embeddings: 486,944 bytes in F32; 18 bytes per 32 values in Q4_0.
    expect(r.stdout).toBe(
      "quantized 16 tensors to Q4_0; kept 5 as they were (5 1-D)\ntiny.gguf: 486,944 bytes -> tiny-q4_0.gguf: 77,824 bytes (16.0%)\n",
    );
    expect(readFileSync(join(dir, "tiny-q4_0.gguf")).length).toBe(77824);
    const info = await readGgufFileInfo(join(dir, "tiny-q4_0.gguf"), { sourceType: "filesystem" });
    expect(info.metadata.general.file_type).toBe(2);
    const json = JSON.parse(assay(dir, "quantize", "tiny.gguf", "--type", "q8_0", "--out", "tiny-q8_0.gguf", "--json").stdout);
    expect(json).toMatchObject({ type: "q8_0", fileType: 7, bytesOut: readFileSync(join(dir, "tiny-q8_0.gguf")).length });
    expect(json.kept).toContainEqual({ name: "output_norm.weight", type: "F32", reason: "1-D" });
  });

  const refused = (args: string[], message: RegExp) => {
    const before = readdirSync(dir, { recursive: true }).sort();
    const r = assay(dir, "quantize", ...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(readdirSync(dir, { recursive: true }).sort()).toEqual(before);
  };

  it("a bad --type lists the valid ones", () => {
    refused(["tiny.gguf", "--type", "q4_k", "--out", "x.gguf"], /^error: --type q4_k is not a quantization type; valid: q8_0, q4_0\n$/);
  });

  it("a missing file, a directory, a text file, a truncated file", () => {
    refused(["nope.gguf", "--type", "q8_0", "--out", "x.gguf"], /^error: nope\.gguf: no such file\n$/);
    mkdirSync(join(dir, "folder.gguf"), { recursive: true });
    refused(["folder.gguf", "--type", "q8_0", "--out", "x.gguf"], /^error: folder\.gguf: not a regular file/);
    writeFileSync(join(dir, "notes.gguf"), "these are not weights\n".repeat(4));
    refused(["notes.gguf", "--type", "q8_0", "--out", "x.gguf"], /^error: notes\.gguf: not a GGUF file/);
    const bytes = readFileSync(tiny.path);
    writeFileSync(join(dir, "head.gguf"), bytes.subarray(0, 2000));
    refused(["head.gguf", "--type", "q8_0", "--out", "x.gguf"], /^error: head\.gguf: the GGUF header is truncated or corrupt/);
    writeFileSync(join(dir, "cut.gguf"), bytes.subarray(0, bytes.length - 100));
    refused(
      ["cut.gguf", "--type", "q8_0", "--out", "x.gguf"],
      /^error: cut\.gguf: the file is truncated: tensor output\.weight ends at byte \d+ but the file has \d+ bytes\n$/,
    );
  });

  it("an already quantized model, --out equal to the input, a missing output directory, a directory as --out", () => {
    refused(
      ["tiny-q4_0.gguf", "--type", "q8_0", "--out", "x.gguf"],
      /^error: tiny-q4_0\.gguf: tensor token_embd\.weight is Q4_0 \(and 15 more tensors\): the model is already quantized/,
    );
    refused(["tiny.gguf", "--type", "q8_0", "--out", "./tiny.gguf"], /^error: \.\/tiny\.gguf: --out is the input file/);
    refused(
      ["tiny.gguf", "--type", "q8_0", "--out", "no/such/dir/x.gguf"],
      /^error: no\/such\/dir\/x\.gguf: cannot write no\/such\/dir\/x\.gguf\.tmp \(its directory does not exist\)/,
    );
    refused(["tiny.gguf", "--type", "q8_0", "--out", "folder.gguf"], /^error: folder\.gguf: --out is a directory/);
  });
});
