// assay.config.yaml: named models, price table, errors with file:line and field.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { UserError, ValidationError } from "../../src/errors.ts";
import { loadConfig, parseConfig, timeoutMs } from "../../src/provider/config.ts";

const dir = mkdtempSync(join(tmpdir(), "assay-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const good = `models:
  flash: { provider: gemini, model: gemini-2.5-flash, concurrency: 8, rpm: 60, timeout: 30s }
  qwen:  { provider: local, path: models/qwen.gguf, threads: 2, chat: true }
  vllm:  { provider: openai, model: meta-llama/Llama-3.1-8B-Instruct, base_url: "http://gpu-box:8000/v1", timeout: 1500 }
prices:
  flash: { input: 0.3, output: 2.5 }
`;

describe("config", () => {
  it("loads named models and prices, normalising timeouts to milliseconds", async () => {
    writeFileSync(join(dir, "assay.config.yaml"), good);
    const config = await loadConfig({ cwd: dir });
    expect(config.root).toBe(dir);
    expect(config.models.flash).toMatchObject({ provider: "gemini", model: "gemini-2.5-flash", concurrency: 8, rpm: 60, timeout: 30_000 });
    expect(config.models.qwen).toMatchObject({ provider: "local", path: "models/qwen.gguf", threads: 2, chat: true });
    expect(config.models.vllm.timeout).toBe(1500);
    expect(config.prices.flash).toEqual({ input: 0.3, output: 2.5 });
  });

  it("gives empty tables without a config file, and an error for a missing --config", async () => {
    const empty = mkdtempSync(join(dir, "empty-"));
    expect(await loadConfig({ cwd: empty })).toMatchObject({ models: {}, prices: {} });
    await expect(loadConfig({ cwd: empty, path: "nope.yaml" })).rejects.toThrow(/config file nope\.yaml does not exist/);
  });

  it("reports every problem with file:line and the field path", () => {
    const text = `models:
  flash:
    provider: gemni
    model: gemini-2.5-flash
    rpm: fast
  local1: { provider: local, treads: 2 }
prices:
  flash: { input: -1, output: 2 }
`;
    const error = (() => {
      try {
        parseConfig(text, { path: "/x/assay.config.yaml", displayPath: "assay.config.yaml" });
      } catch (e) {
        return e as ValidationError;
      }
    })()!;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.problems).toContain("assay.config.yaml:5 models.flash.rpm: Invalid input: expected number, received string");
    expect(error.problems).toContain('assay.config.yaml:6 models.local1.treads: unknown field; did you mean "threads"?');
    expect(error.problems.some((p) => p.startsWith("assay.config.yaml:8 prices.flash.input:"))).toBe(true);
  });

  it("rejects an unknown provider with a suggestion, and a model without a target", () => {
    const run = (text: string) => {
      try {
        parseConfig(text, { path: "/x/c.yaml", displayPath: "c.yaml" });
      } catch (e) {
        return (e as ValidationError).problems;
      }
      return [];
    };
    expect(run("models:\n  a: { provider: gemni, model: m }\n")).toEqual([
      'c.yaml:2 models.a.provider: unknown provider "gemni"; did you mean "gemini"? (known: echo, replay, local, gemini, openai)',
    ]);
    expect(run("models:\n  a: { provider: local }\n")).toEqual(["c.yaml:2 models.a: needs path"]);
    expect(run("models: [\n")[0]).toMatch(/^c\.yaml:\d+: invalid YAML/);
  });

  it("refuses a config file that is not UTF-8, at its line, and reports YAML warnings instead of printing them", async () => {
    const bad = mkdtempSync(join(dir, "latin1-"));
    writeFileSync(join(bad, "assay.config.yaml"), Buffer.from("models:\n  caf\xe9: { provider: echo }\n", "latin1"));
    await expect(loadConfig({ cwd: bad })).rejects.toThrow(/^assay\.config\.yaml:2: config file is not valid UTF-8/);
    expect(() => parseConfig("models: !nosuchtag\n  a: { provider: echo }\n", { path: "/x/c.yaml", displayPath: "c.yaml" })).toThrow(
      /^c\.yaml:1: invalid YAML: Unresolved tag: !nosuchtag/,
    );
  });

  it("parses durations", () => {
    expect(timeoutMs("500ms")).toBe(500);
    expect(timeoutMs("2m")).toBe(120_000);
    expect(timeoutMs(750)).toBe(750);
    expect(() => timeoutMs("soon")).toThrow(UserError);
  });
});
