// The shared llama.cpp runtime: one Llama instance per GPU setting for the whole process,
// and model loading that turns llama.cpp's failures into user errors with its log lines.
import { availableParallelism } from "node:os";
import { getLlama, LlamaLogLevel, type Llama, type LlamaModel } from "node-llama-cpp";
import { UserError } from "../errors.ts";
import { checkGguf, type GgufSummary } from "./gguf-check.ts";

const runtimes = new Map<string, Promise<Llama>>();
/** Recent llama.cpp warnings and errors; the real reason a load failed only appears here. */
const recentLogs: string[] = [];

/**
 * The process-wide Llama instance for a GPU setting. Prebuilt binaries only (`build: "never"`);
 * `maxThreads` is the machine's core count, since more threads than cores slows generation 20-600x.
 */
export function llamaRuntime(gpu: boolean): Promise<Llama> {
  const key = gpu ? "auto" : "cpu";
  let runtime = runtimes.get(key);
  if (!runtime) {
    runtime = getLlama({
      gpu: gpu ? "auto" : false,
      build: "never",
      maxThreads: availableParallelism(),
      logLevel: LlamaLogLevel.warn,
      logger: (level, message) => {
        if (level === LlamaLogLevel.error || level === LlamaLogLevel.fatal || level === LlamaLogLevel.warn) {
          recentLogs.push(message.trim());
          if (recentLogs.length > 20) recentLogs.shift();
        }
      },
    }).catch((error: unknown) => {
      runtimes.delete(key);
      throw new UserError(
        `cannot start llama.cpp (node-llama-cpp prebuilt binaries${gpu ? ", gpu: auto" : ""}): ${error instanceof Error ? error.message : String(error)}`,
        { code: "E_LLAMA_RUNTIME", cause: error },
      );
    });
    runtimes.set(key, runtime);
  }
  return runtime;
}

/** Validate then load a GGUF model; every failure is a UserError naming the file. */
export async function loadLocalModel(path: string, options: { gpu: boolean }): Promise<{ model: LlamaModel; summary: GgufSummary }> {
  const summary = await checkGguf(path);
  const llama = await llamaRuntime(options.gpu);
  const logStart = recentLogs.length;
  try {
    const model = await llama.loadModel({ modelPath: path, gpuLayers: options.gpu ? "auto" : 0 });
    return { model, summary };
  } catch (error) {
    // llama.cpp's own reason can arrive in the logger just after the promise rejects.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const reasons = recentLogs.slice(Math.min(logStart, recentLogs.length)).filter(Boolean).slice(-3);
    const detail = reasons.length ? `: ${reasons.join("; ")}` : "";
    throw new UserError(
      `cannot load model ${path}: llama.cpp rejected it (${error instanceof Error ? error.message : String(error)})${detail}`,
      { code: "E_MODEL_FILE", cause: error },
    );
  }
}
