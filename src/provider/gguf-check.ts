// Validates a GGUF file's header and metadata before llama.cpp sees it: some malformed
// files abort the whole process inside llama.cpp (a GGML_ASSERT), which no try/catch stops.
import { open, stat } from "node:fs/promises";
import * as llamaCpp from "node-llama-cpp";
import { UserError } from "../errors.ts";

/** What the check learned about a model file. */
export interface GgufSummary {
  architecture: string;
  /** The context length the model was trained with (`<arch>.context_length`). */
  trainContextLength?: number;
  chatTemplate?: string;
  fileSize: number;
}

/** Architectures whose loader asserts on a missing or zero head count / feed-forward length. */
const STRICT_ARCHITECTURES = new Set([
  "llama",
  "qwen2",
  "qwen3",
  "gemma",
  "gemma2",
  "gemma3",
  "phi3",
  "stablelm",
  "starcoder2",
  "olmo",
  "olmo2",
  "granite",
  "mistral3",
  "smollm3",
]);

/** Bytes per block and elements per block for the common tensor types (ggml's type traits). */
const BLOCK_LAYOUT: Record<number, [bytes: number, elements: number]> = {
  0: [4, 1],
  1: [2, 1],
  2: [18, 32],
  3: [20, 32],
  6: [22, 32],
  7: [24, 32],
  8: [34, 32],
  10: [84, 256],
  11: [110, 256],
  12: [144, 256],
  13: [176, 256],
  14: [210, 256],
  15: [292, 256],
  24: [1, 1],
  25: [2, 1],
  26: [4, 1],
  27: [8, 1],
  28: [8, 1],
  30: [2, 1],
};

/**
 * Check that `path` is a readable, complete GGUF file of an architecture llama.cpp supports,
 * with the metadata whose absence would abort llama.cpp. Throws a UserError naming the path.
 * @example await checkGguf("models/demo.gguf")
 */
export async function checkGguf(path: string): Promise<GgufSummary> {
  const fail = (why: string, cause?: unknown): never => {
    throw new UserError(`cannot load model ${path}: ${why}`, { code: "E_MODEL_FILE", cause });
  };
  let size = 0;
  try {
    const info = await stat(path);
    if (info.isDirectory()) fail("it is a directory, not a .gguf file");
    size = info.size;
  } catch (error) {
    if (error instanceof UserError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    fail(code === "ENOENT" ? "no such file" : `cannot read it (${code ?? String(error)})`, error);
  }
  const head = Buffer.alloc(8);
  const handle = await open(path, "r");
  try {
    await handle.read(head, 0, 8, 0);
  } finally {
    await handle.close();
  }
  if (size < 24 || head.toString("latin1", 0, 4) !== "GGUF") fail(`not a GGUF file (it does not start with the "GGUF" magic bytes)`);
  const version = head.readUInt32LE(4);
  if (version < 2 || version > 3) fail(`unsupported GGUF version ${version} (llama.cpp reads versions 2 and 3)`);

  let info: llamaCpp.GgufFileInfo;
  try {
    info = await llamaCpp.readGgufFileInfo(path, { sourceType: "filesystem", logWarnings: false, spliceSplitFiles: false });
  } catch (error) {
    return fail(`the GGUF header is truncated or corrupt (${error instanceof Error ? error.message : String(error)})`, error);
  }
  // The reader pads a short file with zeros instead of failing, so compare its extent with the file's.
  if (info.infoEndOffset === undefined || info.infoEndOffset > size) {
    fail(`the GGUF header is truncated or corrupt (it needs ${info.infoEndOffset ?? "?"} bytes; the file has ${size})`);
  }
  const md = info.metadata as unknown as Record<string, Record<string, unknown> | undefined>;
  const architecture = (md.general?.architecture as string | undefined) ?? "";
  if (!architecture) fail("metadata key general.architecture is missing");
  const supported = Object.values((llamaCpp as unknown as { GgufArchitectureType: Record<string, string> }).GgufArchitectureType);
  if (!supported.includes(architecture)) {
    fail(
      `unsupported architecture "${architecture}" (general.architecture); llama.cpp in node-llama-cpp 3.21.1 supports ${supported
        .filter((a) => a !== "(unknown)")
        .slice(0, 12)
        .join(", ")}, ...`,
    );
  }
  const arch = md[architecture] ?? {};
  const attention = (arch.attention ?? {}) as Record<string, unknown>;
  const positive = (value: unknown) => (Array.isArray(value) ? value.some((v) => Number(v) > 0) : Number(value) > 0);
  const strict = STRICT_ARCHITECTURES.has(architecture);
  for (const [key, value] of [
    ["attention.head_count", attention.head_count],
    ["feed_forward_length", arch.feed_forward_length],
  ] as const) {
    if ((strict && value === undefined) || (value !== undefined && !positive(value))) {
      fail(
        `metadata key ${architecture}.${key} is ${value === undefined ? "missing" : `${String(value)}`}; llama.cpp would abort the process on this file`,
      );
    }
  }
  for (const key of ["embedding_length", "block_count"]) {
    if (strict && !positive(arch[key])) fail(`metadata key ${architecture}.${key} is missing or zero`);
  }
  const tokenizer = (md.tokenizer?.ggml ?? {}) as Record<string, unknown>;
  if (!Array.isArray(tokenizer.tokens) || tokenizer.tokens.length === 0) fail("metadata key tokenizer.ggml.tokens is missing or empty");

  // Truncated files: every tensor's data must lie inside the file.
  const dataStart = info.infoEndOffset ?? 0;
  for (const tensor of info.tensorInfo ?? []) {
    const layout = BLOCK_LAYOUT[tensor.ggmlType];
    const elements = tensor.dimensions.reduce<number>((n, d) => n * Number(d), 1);
    const bytes = layout ? Math.ceil(elements / layout[1]) * layout[0] : 0;
    const end = dataStart + Number(tensor.offset) + bytes;
    if (end > size) fail(`the file is truncated: tensor ${tensor.name} ends at byte ${end} but the file has ${size} bytes`);
  }
  return {
    architecture,
    trainContextLength: arch.context_length === undefined ? undefined : Number(arch.context_length),
    chatTemplate: typeof md.tokenizer?.chat_template === "string" ? (md.tokenizer.chat_template as string) : undefined,
    fileSize: size,
  };
}
