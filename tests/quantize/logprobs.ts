// Teacher-forced next-token log-probs through the `local:` provider, and their differences
// between two models (shared by the quantization tests).
import type { LocalProvider } from "../../src/provider/local.ts";

const call = { task: "quantize", item: "logprobs", strategy: "teacher-forcing", sample: 0 };

/**
 * log p(text[i] | text[..i]) for i >= from, by the provider's loglikelihood (full softmax at
 * temperature 0). One character is one token in the tiny and demo vocabularies.
 */
export async function nextTokenLogprobs(provider: LocalProvider, text: string, from: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = from; i < text.length; i++) {
    const [result] = await provider.loglikelihood({ text: text.slice(0, i) }, [text[i]], call);
    if (result.tokens !== 1) throw new Error(`"${text[i]}" after ${JSON.stringify(text.slice(0, i))} is ${result.tokens} tokens, not 1`);
    out.push(result.logprob);
  }
  return out;
}

/** Max and mean |a - b| over positions. */
export function logprobDeltas(a: number[], b: number[]): { n: number; max: number; mean: number } {
  if (a.length !== b.length) throw new Error(`${a.length} log-probs against ${b.length}`);
  const deltas = a.map((x, i) => Math.abs(x - b[i]));
  return { n: deltas.length, max: Math.max(...deltas), mean: deltas.reduce((s, d) => s + d, 0) / deltas.length };
}
