// The provider registry: spec prefix -> factory. Backends load only when chosen.
import type { ProviderFactory } from "./types.ts";

/** Provider factories by spec prefix (`echo`, `replay:FILE`, `local:PATH`, `gemini:MODEL`, `openai:MODEL`). */
export const providerFactories: Record<string, () => Promise<ProviderFactory>> = {
  echo: async () => (await import("./echo.ts")).echoProvider,
  replay: async () => (await import("./replay.ts")).replayProvider,
  local: async () => (await import("./local.ts")).localProvider,
  gemini: async () => (await import("./gemini.ts")).geminiProvider,
  openai: async () => (await import("./openai.ts")).openaiProvider,
};
