// Retries transient provider failures with exponential backoff and full jitter,
// honouring a server's Retry-After.
import { ProviderError } from "../errors.ts";
import type { PreparedModel } from "./types.ts";

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

/** A provider call with the model's retry budget and the run's backoff. */
export function retried<T>(
  call: () => Promise<T>,
  model: PreparedModel,
  options: { signal?: AbortSignal; retryBaseDelayMs?: number },
): Promise<{ value: T; attempts: number }> {
  return withRetry(call, {
    retries: model.provider.retries ?? 3,
    baseDelayMs: options.retryBaseDelayMs ?? 1000,
    maxDelayMs: 60_000,
    signal: options.signal,
  });
}

/** Wait `ms`, or less when `signal` aborts; the abort listener is removed either way. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
