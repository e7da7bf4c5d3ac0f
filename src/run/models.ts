// The models of a run: specs turned into providers (closed again by whoever created them),
// the default model, and the capabilities a task needs from them.
import { existsSync } from "node:fs";
import { UserError } from "../errors.ts";
import { createProvider } from "../provider/create.ts";
import type { Provider } from "../provider/types.ts";
import type { LoadedTask } from "../suite/types.ts";
import { packagePath } from "../package-paths.ts";

/** The shipped demo model (`local:demo`) when it is present, else `echo`. */
export function defaultModel(): string {
  return existsSync(packagePath("models", "demo.gguf")) ? "local:demo" : "echo";
}

/** A model as recorded: the spec string, or a Provider object's id. */
export function specOf(model: string | Provider): string {
  return typeof model === "string" ? model : model.id;
}

/** Providers this module created (and so closes); callers' own Provider objects are left open. */
const owned = new WeakSet<Provider>();

/** Close the providers createProviders made; the caller's own objects stay open. */
export async function closeOwned(providers: Provider[]): Promise<void> {
  await Promise.all(providers.filter((p) => owned.has(p)).map((p) => p.close?.()));
}

/** Create a provider for each spec (Provider objects pass through); a spec given twice is an error. */
export async function createProviders(models: (string | Provider)[], options: { cwd: string; config?: string }): Promise<Provider[]> {
  const seen = new Set<string>();
  const out: Provider[] = [];
  try {
    for (const model of models) {
      const spec = specOf(model);
      if (seen.has(spec)) throw new UserError(`model "${spec}" is given twice`, { code: "E_MODEL" });
      seen.add(spec);
      if (typeof model === "string") {
        const provider = await createProvider(model, { cwd: options.cwd, configPath: options.config });
        owned.add(provider);
        out.push(provider);
      } else out.push(model);
    }
  } catch (error) {
    await closeOwned(out);
    throw error;
  }
  return out;
}

/** A task scored by log-likelihood (choices, perplexity) needs models that compute it (local:). */
export function checkCapabilities(tasks: LoadedTask[], providers: Provider[], specs: string[]): void {
  const task = tasks.find((t) => t.choices !== undefined || t.outputType === "loglikelihood");
  if (!task) return;
  providers.forEach((p, i) => {
    if (!p.loglikelihood) {
      throw new UserError(
        `task ${task.suite}/${task.id} is scored by log-likelihood, which model "${specs[i]}" cannot compute (use a local: model)`,
        { code: "E_MODEL" },
      );
    }
  });
}
