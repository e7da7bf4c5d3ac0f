// createProvider: spec parsing, named models from the config, limits and prices applied.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { UserError } from "../../src/errors.ts";
import { createProvider } from "../../src/provider/create.ts";
import { startFakeOpenAI, type FakeServer } from "../fixtures/fake-openai-server.ts";
import { writeTinyGguf } from "../fixtures/gguf-writer.ts";

const call = { task: "t", item: "i", strategy: "s", sample: 0 };
let dir: string;
let server: FakeServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "assay-create-"));
  server = await startFakeOpenAI();
  vi.stubEnv("OPENAI_API_KEY", "");
  writeTinyGguf({ dir: join(dir, "models"), name: "tiny.gguf" });
  writeFileSync(
    join(dir, "assay.config.yaml"),
    `models:
  ollama: { provider: openai, model: llama3.2, base_url: "${server.url}/v1", concurrency: 3, retries: 1, timeout: 5s }
  tiny: { provider: local, path: models/tiny.gguf, context_size: 128, concurrency: 2 }
prices:
  ollama: { input: 0.5, output: 1.5 }
`,
  );
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("createProvider", () => {
  it("suggests a provider for an unknown prefix", async () => {
    await expect(createProvider("gemni:gemini-2.5-flash", { cwd: dir })).rejects.toThrow(UserError);
    await expect(createProvider("gemni:gemini-2.5-flash", { cwd: dir })).rejects.toThrow(/did you mean "gemini"/);
    await expect(createProvider("olama", { cwd: dir })).rejects.toThrow(/did you mean "ollama"/);
  });

  it("builds a named remote model with its limits and price", async () => {
    const provider = await createProvider("ollama", { cwd: dir });
    expect(provider.concurrency).toBe(3);
    expect(provider.retries).toBe(1);
    expect(provider.id).toMatch(/^openai:llama3\.2@127\.0\.0\.1:\d+\/v1$/);
    const g = await provider.generate({ text: "hello world" }, { temperature: 0, maxTokens: 5 }, call);
    expect(g.text).toBe("echo: hello world");
    expect(g.costUsd).toBeCloseTo((2 * 0.5 + 3 * 1.5) / 1e6, 15);
  });

  it("resolves a named local model's path against the config file and exposes prefill stats", async () => {
    const provider = await createProvider("tiny", { cwd: "/", configPath: join(dir, "assay.config.yaml") });
    try {
      expect(provider.concurrency).toBe(2);
      expect(typeof provider.loglikelihood).toBe("function");
      await provider.generate({ text: "abc" }, { temperature: 0, maxTokens: 2 }, call);
      expect(provider.stats()).toMatchObject({ promptTokens: 4, prefillTokens: 4, generatedTokens: 2 });
    } finally {
      await provider.close();
    }
  });

  it("takes a direct spec with a path relative to cwd", async () => {
    const provider = await createProvider("local:models/tiny.gguf", { cwd: dir });
    try {
      expect(provider.id).toBe("local:models/tiny.gguf");
      const [ll] = await provider.loglikelihood!({ text: "a" }, ["b"], call);
      expect(ll.tokens).toBe(1);
    } finally {
      await provider.close();
    }
  });
});
