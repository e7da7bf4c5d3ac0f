// A pool of context sequences: calls wait for a free sequence and get the one whose cached
// tokens share the longest prefix with their prompt, so few-shot prefixes are evaluated once.
import type { LlamaContextSequence, Token } from "node-llama-cpp";

/** Hands out context sequences one call at a time, preferring the best prefix match. */
export class SequencePool {
  private readonly free: LlamaContextSequence[];
  private readonly waiters: (() => void)[] = [];

  constructor(sequences: LlamaContextSequence[]) {
    this.free = [...sequences];
  }

  /** Wait for a free sequence; among free ones take the longest shared prefix with `tokens`. */
  async acquire(tokens: readonly Token[]): Promise<LlamaContextSequence> {
    while (this.free.length === 0) await new Promise<void>((resolve) => this.waiters.push(resolve));
    let best = 0;
    let bestLength = -1;
    for (let i = 0; i < this.free.length; i++) {
      const length = commonPrefixLength(this.free[i].contextTokens, tokens);
      if (length > bestLength) {
        best = i;
        bestLength = length;
      }
    }
    return this.free.splice(best, 1)[0];
  }

  release(sequence: LlamaContextSequence): void {
    this.free.push(sequence);
    this.waiters.shift()?.();
  }
}

/** Number of leading tokens `a` and `b` share. */
export function commonPrefixLength(a: readonly Token[], b: readonly Token[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

/**
 * Keep the sequence's evaluated tokens that match `tokens` (at most `maxReuse` of them) and
 * erase the rest, so only the new suffix is evaluated. Returns how many tokens were reused.
 */
export async function reusePrefix(sequence: LlamaContextSequence, tokens: readonly Token[], maxReuse: number): Promise<number> {
  const reuse = Math.max(0, Math.min(commonPrefixLength(sequence.contextTokens, tokens), maxReuse));
  if (reuse < sequence.nextTokenIndex) {
    if (reuse === 0) await sequence.clearHistory();
    else await sequence.eraseContextTokenRanges([{ start: reuse, end: sequence.nextTokenIndex }]);
  }
  // A sequence that cannot keep a partial state (SWA, recurrent models) re-evaluates from scratch.
  return Math.min(reuse, sequence.nextTokenIndex);
}
