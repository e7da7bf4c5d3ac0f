// Retries transient provider failures with exponential backoff and full jitter,
// honouring a server's Retry-After.
import { ProviderError } from "../errors.ts";

export interface RetryOptions {
  /** Retries after the first attempt. */
  retries: number;
  /** First backoff in ms (doubles each retry, capped at maxDelayMs). */
  baseDelayMs: number;
  maxDelayMs: number;
  signal?: AbortSignal;
}

/** Run `call`, retrying retryable ProviderErrors. Returns the value and the attempts made. */
export async function withRetry<T>(call: () => Promise<T>, options: RetryOptions): Promise<{ value: T; attempts: number }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return { value: await call(), attempts: attempt };
    } catch (error) {
      const retryable = error instanceof ProviderError && error.retryable;
      if (!retryable || attempt > options.retries || options.signal?.aborted) {
        throw Object.assign(error as Error, { attempts: attempt });
      }
      const backoff = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
      // Jitter only spreads timing; it never affects results, so it need not be seeded.
      const jittered = backoff * (0.5 + Math.random() / 2);
      const delay = Math.max(jittered, (error as ProviderError).retryAfterMs ?? 0);
      await sleep(delay, options.signal);
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
