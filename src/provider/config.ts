// Loads assay.config.yaml: named models with their options and limits, and a price table.
// Every problem is reported with file:line and the field's path, all at once.
import { lineOf } from "../yaml-line.ts";
import { existsSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import { LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { didYouMean, UserError, ValidationError } from "../errors.ts";
import { packagePath } from "../package-paths.ts";
import { readTextFile } from "../text-file.ts";
import { providerFactories } from "./index.ts";

/** The config file looked for in the project root when `--config` is not given. */
export const CONFIG_FILE = "assay.config.yaml";

/** A timeout: a number of milliseconds, or a string with a unit: "500ms", "30s", "2m". */
const timeoutSchema = z.union([
  z.number().positive(),
  z.string().regex(/^\d+(\.\d+)?\s*(ms|s|m)$/, 'expected milliseconds (a number) or a duration like "500ms", "30s", "2m"'),
]);

const modelSchema = z.strictObject({
  provider: z.string().min(1),
  /** Model name for remote providers (or a path for local). */
  model: z.string().min(1).optional(),
  /** GGUF path for local models, relative to the config file. */
  path: z.string().min(1).optional(),
  concurrency: z.number().int().positive().optional(),
  rpm: z.number().positive().optional(),
  tpm: z.number().positive().optional(),
  timeout: timeoutSchema.optional(),
  retries: z.number().int().min(0).optional(),
  base_url: z.url().optional(),
  // Local (llama.cpp) inference settings; each is recorded with the run and keys the response cache.
  threads: z.number().int().positive().optional(),
  chat: z.boolean().optional(),
  gpu: z.union([z.boolean(), z.literal("auto"), z.literal("off")]).optional(),
  context_size: z.number().int().positive().optional(),
  batch_size: z.number().int().positive().optional(),
  flash_attention: z.boolean().optional(),
  prefix_cache: z.boolean().optional(),
  parallel: z.number().int().positive().optional(),
  /** Speculative decoding: a draft GGUF (same vocabulary), or "input-lookup" (prompt-lookup decoding). */
  draft: z.string().min(1).optional(),
  draft_tokens: z.number().int().positive().optional(),
  thinking_budget: z.number().int().min(-1).optional(),
});

const priceSchema = z.strictObject({
  /** US dollars per million input tokens. */
  input: z.number().min(0),
  /** US dollars per million output tokens. */
  output: z.number().min(0),
});

const configSchema = z.strictObject({
  models: z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/, "model names may use letters, digits, _ . -"), modelSchema).optional(),
  prices: z.record(z.string(), priceSchema).optional(),
  /** The variant others are compared with (identical outputs, paired quality difference, speed ratio). */
  reference: z.string().min(1).optional(),
});

/** A named model from the config, with `timeout` normalised to milliseconds. */
export type ModelConfig = Omit<z.infer<typeof modelSchema>, "timeout"> & { timeout?: number };
/** USD per million input and output tokens. */
export type ModelPrice = z.infer<typeof priceSchema>;

/** The loaded configuration. An absent config file gives empty tables. */
export interface AssayConfig {
  /** The file it came from, when there was one. */
  path?: string;
  /** Directory relative model paths resolve against (the config file's directory, else cwd). */
  root: string;
  models: Record<string, ModelConfig>;
  prices: Record<string, ModelPrice>;
  /** `reference:` — the model variants are compared with. */
  reference?: string;
}

/**
 * Named variants of the shipped demo model, available without a config file (a config's own
 * model of the same name wins): the F32 model, its Q8_0 and Q4_0 copies, the distilled student,
 * and the model with speculative decoding (the student drafting) or prompt-lookup decoding.
 */
export function builtinModels(): Record<string, ModelConfig> {
  const model = (file: string) => packagePath("models", file);
  // gpu: auto: a machine with a GPU uses it; one without says so and runs on the CPU.
  const local = (file: string, settings: Partial<ModelConfig> = {}): ModelConfig => ({
    provider: "local",
    path: model(file),
    gpu: "auto",
    ...settings,
  });
  return {
    demo: local("demo.gguf"),
    "demo-q8": local("demo-q8_0.gguf"),
    "demo-q4": local("demo-q4_0.gguf"),
    "demo-student": local("demo-student.gguf"),
    // node-llama-cpp 3.21.1 validates at most one draft token per batch: more would be wasted.
    "demo-spec": local("demo.gguf", { draft: model("demo-student.gguf"), draft_tokens: 1 }),
    "demo-lookup": local("demo.gguf", { draft: "input-lookup", draft_tokens: 1 }),
  };
}

/**
 * Load `--config PATH` or, without one, `assay.config.yaml` in `cwd` if it exists.
 * @example const config = await loadConfig({ cwd: process.cwd() })
 */
export async function loadConfig(options: { cwd: string; path?: string }): Promise<AssayConfig> {
  const path = options.path
    ? isAbsolute(options.path)
      ? options.path
      : resolve(options.cwd, options.path)
    : resolve(options.cwd, CONFIG_FILE);
  if (!existsSync(path)) {
    if (options.path) throw new UserError(`config file ${options.path} does not exist`, { code: "E_CONFIG" });
    return { root: options.cwd, models: builtinModels(), prices: {} };
  }
  const displayPath = relative(options.cwd, path) || path;
  return parseConfig(readTextFile(path, displayPath, { what: "config file", code: "E_CONFIG" }), { path, displayPath });
}

/** Parse and validate config text; `displayPath` prefixes every error line. */
export function parseConfig(text: string, options: { path: string; displayPath?: string }): AssayConfig {
  const shown = options.displayPath ?? options.path;
  const lineCounter = new LineCounter();
  // logLevel "error": yaml would print its warnings to stderr; they are reported here instead.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, logLevel: "error" });
  if (doc.errors.length || doc.warnings.length) {
    throw new ValidationError(
      [...doc.errors, ...doc.warnings].map(
        (e) => `${shown}:${lineCounter.linePos(e.pos[0]).line}: invalid YAML: ${e.message.split("\n")[0]}`,
      ),
    );
  }
  const data = doc.toJS() ?? {};
  const result = configSchema.safeParse(data);
  const problems: string[] = [];
  const at = (path: (string | number)[]) => `${shown}:${lineOf(doc, lineCounter, path)}`;
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
      if (issue.code === "unrecognized_keys") {
        for (const key of issue.keys) {
          const known = Object.keys(path.length === 0 ? configSchema.shape : path[0] === "models" ? modelSchema.shape : priceSchema.shape);
          problems.push(`${at([...path, key])} ${[...path, key].join(".")}: unknown field${didYouMean(key, known)}`);
        }
      } else {
        problems.push(`${at(path)} ${path.join(".") || "(top level)"}: ${issue.message}`);
      }
    }
    throw new ValidationError(problems);
  }
  const models: Record<string, ModelConfig> = builtinModels();
  for (const [name, model] of Object.entries(result.data.models ?? {})) {
    if (!(model.provider in providerFactories)) {
      problems.push(
        `${at(["models", name, "provider"])} models.${name}.provider: unknown provider "${model.provider}"${didYouMean(model.provider, Object.keys(providerFactories))} (known: ${Object.keys(providerFactories).join(", ")})`,
      );
    }
    if (!model.model && !model.path && model.provider !== "echo") {
      problems.push(`${at(["models", name])} models.${name}: needs ${model.provider === "local" ? "path" : "model"}`);
    }
    models[name] = { ...model, timeout: model.timeout === undefined ? undefined : timeoutMs(model.timeout) };
  }
  if (problems.length) throw new ValidationError(problems);
  return {
    path: options.path,
    root: resolve(options.path, ".."),
    models,
    prices: result.data.prices ?? {},
    reference: result.data.reference,
  };
}

/** "30s" -> 30000; numbers are already milliseconds. */
export function timeoutMs(value: number | string): number {
  if (typeof value === "number") return value;
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m)$/.exec(value.trim());
  if (!match) throw new UserError(`bad duration "${value}"`);
  return Number(match[1]) * { ms: 1, s: 1000, m: 60_000 }[match[2] as "ms" | "s" | "m"];
}
