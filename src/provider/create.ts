// createProvider: model spec -> Provider. (Minimal version by the core; the providers work extends it
// with named models from assay.config.yaml and rate limits.)
import { didYouMean, UserError } from "../errors.ts";
import { providerFactories } from "./index.ts";
import type { Provider } from "./types.ts";

/** Create the provider a spec names: `echo`, `replay:FILE`, `local:PATH`, `gemini:MODEL`, `openai:MODEL`. */
export async function createProvider(spec: string, options: { cwd: string; config?: unknown }): Promise<Provider> {
  const colon = spec.indexOf(":");
  const name = colon === -1 ? spec : spec.slice(0, colon);
  const target = colon === -1 ? "" : spec.slice(colon + 1);
  const load = providerFactories[name];
  if (!load) throw new UserError(`unknown model "${spec}"${didYouMean(name, Object.keys(providerFactories))} (providers: ${Object.keys(providerFactories).join(", ")})`, { code: "E_MODEL" });
  return (await load())({ target, cwd: options.cwd });
}
