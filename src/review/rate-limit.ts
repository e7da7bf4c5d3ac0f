// Failed sign-ins per client address in a sliding window: guessing tokens stays hopeless
// (128-bit tokens) and noisy attempts are slowed to `max` a window.

/** Options of FailureLimiter. */
export interface FailureLimiterOptions {
  /** Failures allowed per window (default 10). */
  max?: number;
  /** Window length in ms (default one minute). */
  windowMs?: number;
  /** Addresses remembered at most; the oldest are forgotten past this (bounded memory under attack). */
  maxClients?: number;
}

/**
 * Counts failures per key; `retryAfterMs(key)` > 0 means the key must wait that long.
 * @example if (limiter.retryAfterMs(ip) > 0) return 429; if (!ok) limiter.fail(ip);
 */
export class FailureLimiter {
  private readonly max: number;
  private readonly windowMs: number;
  private readonly maxClients: number;
  // Insertion order = age of the client's first remembered failure: the first key is the oldest.
  private readonly failures = new Map<string, number[]>();

  constructor(options: FailureLimiterOptions = {}) {
    this.max = options.max ?? 10;
    this.windowMs = options.windowMs ?? 60_000;
    this.maxClients = options.maxClients ?? 10_000;
  }

  /** How long `key` must wait before trying again (0 = it may try now). */
  retryAfterMs(key: string, now: number = Date.now()): number {
    const times = this.recent(key, now);
    return times.length >= this.max ? times[0] + this.windowMs - now : 0;
  }

  /** Record a failed attempt by `key`. */
  fail(key: string, now: number = Date.now()): void {
    const times = this.recent(key, now);
    times.push(now);
    this.failures.delete(key);
    this.failures.set(key, times);
    while (this.failures.size > this.maxClients) this.failures.delete(this.failures.keys().next().value!);
  }

  private recent(key: string, now: number): number[] {
    const times = (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (times.length === 0) this.failures.delete(key);
    return times;
  }
}
