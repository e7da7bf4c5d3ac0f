// echo: returns the rendered prompt as the output, for trying a suite's plumbing.
import type { Provider, ProviderFactory } from "./types.ts";

/** `echo`: the output is the prompt text, instantly, with whitespace-split token counts. */
export const echoProvider: ProviderFactory = () => {
  const provider: Provider = {
    id: "echo",
    concurrency: 64,
    cacheable: false,
    async generate(prompt) {
      const tokens = countWords(prompt.text);
      return { text: prompt.text, finishReason: "stop", inputTokens: tokens, outputTokens: tokens, latencyMs: 0 };
    },
  };
  return provider;
};

function countWords(text: string): number {
  let n = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const space = text.charCodeAt(i) <= 32;
    if (!space && !inWord) n++;
    inWord = !space;
  }
  return n;
}
