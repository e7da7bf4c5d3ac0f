// Bad model files give a UserError naming the file; none of them may take the process down.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.ts";
import { demoModelPath, localProvider } from "../../src/provider/local.ts";
import { writeTinyGguf } from "../fixtures/gguf-writer.ts";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "assay-bad-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function loadError(target: string): Promise<UserError> {
  const error = await Promise.resolve(localProvider({ target, cwd: dir, config: { context_size: 64 } })).then(
    async (provider) => {
      await provider.close?.();
      throw new Error(`expected ${target} to be rejected`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}

describe("local provider: bad model files", () => {
  it("rejects a missing file, a directory, text, an empty and a 16-byte file", async () => {
    expect((await loadError("nope.gguf")).message).toMatch(/nope\.gguf: no such file/);
    mkdirSync(join(dir, "folder.gguf"));
    expect((await loadError("folder.gguf")).message).toMatch(/is a directory/);
    writeFileSync(join(dir, "text.gguf"), "this is not a model\n".repeat(10));
    expect((await loadError("text.gguf")).message).toMatch(/not a GGUF file/);
    writeFileSync(join(dir, "empty.gguf"), "");
    expect((await loadError("empty.gguf")).message).toMatch(/not a GGUF file/);
    writeFileSync(join(dir, "short.gguf"), Buffer.from("GGUF\x03\0\0\0\0\0\0\0\0\0\0\0", "latin1"));
    expect((await loadError("short.gguf")).message).toMatch(/short\.gguf/);
  });

  it("rejects truncated files, in the header and in the tensor data", async () => {
    const bytes = readFileSync(writeTinyGguf({ dir, name: "whole.gguf" }).path);
    writeFileSync(join(dir, "header-cut.gguf"), bytes.subarray(0, 200));
    expect((await loadError("header-cut.gguf")).message).toMatch(/truncated or corrupt/);
    writeFileSync(join(dir, "data-cut.gguf"), bytes.subarray(0, bytes.length - 1000));
    expect((await loadError("data-cut.gguf")).message).toMatch(/truncated: tensor output\.weight ends at byte/);
  });

  it("rejects an unsupported architecture and metadata that would abort llama.cpp", async () => {
    writeTinyGguf({
      dir,
      name: "arch.gguf",
      editMetadata: (md) => md.set("general.architecture", { type: "string", value: "transmogrifier" }),
    });
    expect((await loadError("arch.gguf")).message).toMatch(/unsupported architecture "transmogrifier"/);
    writeTinyGguf({ dir, name: "heads.gguf", editMetadata: (md) => md.delete("llama.attention.head_count") });
    expect((await loadError("heads.gguf")).message).toMatch(/llama\.attention\.head_count is missing; llama\.cpp would abort/);
    writeTinyGguf({ dir, name: "ffn.gguf", editMetadata: (md) => md.set("llama.feed_forward_length", { type: "u32", value: 0 }) });
    expect((await loadError("ffn.gguf")).message).toMatch(/llama\.feed_forward_length is 0/);
    writeTinyGguf({ dir, name: "vocab.gguf", editMetadata: (md) => md.delete("tokenizer.ggml.tokens") });
    expect((await loadError("vocab.gguf")).message).toMatch(/tokenizer\.ggml\.tokens is missing/);
  });

  it("turns llama.cpp's own load failure into a UserError", async () => {
    writeTinyGguf({ dir, name: "no-ctx.gguf", editMetadata: (md) => md.delete("llama.context_length") });
    expect((await loadError("no-ctx.gguf")).message).toMatch(/no-ctx\.gguf: llama\.cpp rejected it/);
  });

  it("tells the user to train the demo model when local:demo is missing", async () => {
    if (existsSync(demoModelPath)) return;
    expect((await loadError("demo")).message).toMatch(/npm run train:demo/);
  });

  it("still loads a good model afterwards (the process survived)", async () => {
    const provider = await localProvider({
      target: writeTinyGguf({ dir, name: "good.gguf" }).path,
      cwd: dir,
      config: { context_size: 64 },
    });
    const g = await provider.generate({ text: "ok" }, { temperature: 0, maxTokens: 3 }, { task: "t", item: "i", strategy: "s", sample: 0 });
    expect(g.outputTokens).toBe(3);
    await provider.close?.();
  });
});
