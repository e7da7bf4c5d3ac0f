// createProvider: model spec -> Provider. A spec is `name:target` (`local:m.gguf`,
// `gemini:gemini-2.5-flash`, `echo`) or the name of a model in assay.config.yaml;
// the result is wrapped with that model's limits and its price.
import { didYouMean, UserError } from "../errors.ts";
import { loadConfig, type AssayConfig, type ModelConfig, type ModelPrice } from "./config.ts";
import { providerFactories } from "./index.ts";
import { LimitedProvider } from "./limits.ts";

/** Options for createProvider. */
export interface CreateProviderOptions {
  /** Directory relative paths resolve against. */
  cwd: string;
  /** A loaded config; when absent it is loaded from `configPath`, else `assay.config.yaml` in cwd if present. */
  config?: AssayConfig;
  /** `--config PATH`. */
  configPath?: string;
}

/**
 * Create the provider a spec names, wrapped with concurrency, rpm/tpm, timeout, retries and cost.
 * @example const flash = await createProvider("gemini:gemini-2.5-flash", { cwd: process.cwd() })
 */
export async function createProvider(spec: string, options: CreateProviderOptions): Promise<LimitedProvider> {
  const config = options.config ?? (await loadConfig({ cwd: options.cwd, path: options.configPath }));
  const named = config.models[spec];
  let providerName: string;
  let target: string;
  let modelConfig: ModelConfig | undefined;
  let cwd = options.cwd;
  if (named) {
    providerName = named.provider;
    target = named.path ?? named.model ?? "";
    modelConfig = named;
    cwd = config.root; // paths in the config file are relative to it
  } else {
    const colon = spec.indexOf(":");
    providerName = colon === -1 ? spec : spec.slice(0, colon);
    target = colon === -1 ? "" : spec.slice(colon + 1);
    if (!(providerName in providerFactories)) {
      const known = [...Object.keys(config.models), ...Object.keys(providerFactories)];
      const where = config.path ? ` or a model named in ${config.path}` : "";
      throw new UserError(
        `unknown model "${spec}"${didYouMean(colon === -1 ? spec : providerName, known)}: use PROVIDER:TARGET with provider ${Object.keys(providerFactories).join(", ")}${where}`,
        { code: "E_MODEL" },
      );
    }
  }
  const factory = await providerFactories[providerName]();
  const inner = await factory({ target, cwd, config: modelConfig ? { ...modelConfig } : undefined });
  return new LimitedProvider(inner, {
    concurrency: modelConfig?.concurrency,
    rpm: modelConfig?.rpm,
    tpm: modelConfig?.tpm,
    timeoutMs: modelConfig?.timeout,
    retries: modelConfig?.retries,
    price: priceFor(config.prices, spec, providerName, target),
  });
}

/** The price entry for a model: by its config name or full spec, else by the bare model name. */
function priceFor(prices: Record<string, ModelPrice>, spec: string, provider: string, target: string): ModelPrice | undefined {
  return prices[spec] ?? prices[`${provider}:${target}`] ?? (target ? prices[target] : undefined);
}
