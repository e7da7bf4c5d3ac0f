// Wraps a provider with per-model limits: concurrent calls, requests and tokens per minute,
// a per-call timeout (a retryable ProviderError) and cost from the price table.
import { ProviderError } from "../errors.ts";
import type { CallContext, GenerateParams, Generation, Prompt, Provider } from "./types.ts";

/** Limits and prices for one model; every field optional. */
export interface LimitOptions {
  concurrency?: number;
  /** Requests started per window (default window: one minute). */
  rpm?: number;
  /** Tokens (input + output) per window; calls reserve an estimate and settle to the real count. */
  tpm?: number;
  /** Per-call timeout in milliseconds. */
  timeoutMs?: number;
  retries?: number;
  /** USD per million input / output tokens. */
  price?: { input: number; output: number };
  /** Length of the rate window in ms (tests shorten it); default 60000. */
  windowMs?: number;
  /** Clock and sleep, replaceable in tests. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** A sliding-window limiter: the weights started in any window stay within `limit`. */
export class RateWindow {
  private readonly entries: { time: number; weight: number }[] = [];
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {}

  /** Wait until `weight` fits, then record it. A weight above the limit waits for an empty window. */
  acquire(weight = 1): Promise<{ weight: number }> {
    const turn = this.queue.then(async () => {
      for (;;) {
        const now = this.now();
        while (this.entries.length && this.entries[0].time <= now - this.windowMs) this.entries.shift();
        const used = this.entries.reduce((sum, e) => sum + e.weight, 0);
        if (this.entries.length === 0 || used + weight <= this.limit) break;
        await this.sleep(Math.max(1, this.entries[0].time + this.windowMs - now));
      }
      const entry = { time: this.now(), weight };
      this.entries.push(entry);
      return entry;
    });
    this.queue = turn.then(() => undefined);
    return turn;
  }
}

/** Counts calls in flight and queues the rest (also a run's judge models' slots). */
export class Semaphore {
  private active = 0;
  private readonly waiters: (() => void)[] = [];
  constructor(private readonly size: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    while (this.active >= this.size) await new Promise<void>((resolve) => this.waiters.push(resolve));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiters.shift()?.();
    }
  }
}

/** A provider behind limits; `inner` is the wrapped backend, `stats()` forwards to it when it has one. */
export class LimitedProvider implements Provider {
  readonly id: string;
  readonly concurrency?: number;
  readonly cacheable?: boolean;
  readonly retries?: number;
  readonly weightsFile?: string;
  readonly settings?: Readonly<Record<string, string | number | boolean | null>>;
  readonly draftFile?: string;
  readonly notices?: readonly string[];
  readonly loglikelihood?: Provider["loglikelihood"];
  private readonly semaphore?: Semaphore;
  private readonly requests?: RateWindow;
  private readonly tokens?: RateWindow;

  constructor(
    readonly inner: Provider,
    private readonly limits: LimitOptions,
  ) {
    this.id = inner.id;
    this.concurrency = limits.concurrency ?? inner.concurrency;
    this.cacheable = inner.cacheable;
    this.retries = limits.retries ?? inner.retries;
    this.weightsFile = inner.weightsFile;
    this.settings = inner.settings;
    this.draftFile = inner.draftFile;
    this.notices = inner.notices;
    const now = limits.now ?? Date.now;
    const sleep = limits.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const windowMs = limits.windowMs ?? 60_000;
    // A configured limit is enforced here too (for callers other than the run loop, which has its own slots).
    if (limits.concurrency) this.semaphore = new Semaphore(limits.concurrency);
    if (limits.rpm) this.requests = new RateWindow(limits.rpm, windowMs, now, sleep);
    if (limits.tpm) this.tokens = new RateWindow(limits.tpm, windowMs, now, sleep);
    if (inner.loglikelihood) {
      const score = inner.loglikelihood.bind(inner);
      this.loglikelihood = (prompt, continuations, context) =>
        this.limited(
          estimateTokens(prompt.text + continuations.join("")),
          context,
          (ctx) => score(prompt, continuations, ctx),
          () => undefined,
        );
    }
  }

  generate(prompt: Prompt, params: GenerateParams, context: CallContext): Promise<Generation> {
    const estimate = estimateTokens((prompt.system ?? "") + prompt.text) + params.maxTokens;
    return this.limited(
      estimate,
      context,
      (ctx) => this.inner.generate(prompt, params, ctx),
      (generation) => {
        const used = (generation.inputTokens ?? 0) + (generation.outputTokens ?? 0);
        const price = this.limits.price;
        if (price && generation.inputTokens !== undefined && generation.outputTokens !== undefined) {
          generation.costUsd = (generation.inputTokens * price.input + generation.outputTokens * price.output) / 1e6;
        }
        return used > 0 ? used : undefined;
      },
    );
  }

  /** Prefill counters of a local model (see LocalProvider.stats); undefined for other backends. */
  stats(): ReturnType<NonNullable<StatsSource["stats"]>> | undefined {
    return (this.inner as StatsSource).stats?.();
  }

  close(): Promise<void> {
    return this.inner.close?.() ?? Promise.resolve();
  }

  private async limited<T>(
    estimate: number,
    context: CallContext,
    call: (context: CallContext) => Promise<T>,
    settle: (result: T) => number | undefined,
  ): Promise<T> {
    // No limits to apply: one await instead of a closure and four (a fast model is bound by this path).
    if (!this.semaphore && !this.requests && !this.tokens && !this.limits.timeoutMs) {
      const result = await call(context);
      settle(result);
      return result;
    }
    const run = async () => {
      await this.requests?.acquire();
      const reservation = await this.tokens?.acquire(estimate);
      const result = await this.withTimeout(context, call);
      const used = settle(result);
      if (reservation && used !== undefined) reservation.weight = used;
      return result;
    };
    return this.semaphore ? this.semaphore.run(run) : run();
  }

  private async withTimeout<T>(context: CallContext, call: (context: CallContext) => Promise<T>): Promise<T> {
    const timeoutMs = this.limits.timeoutMs;
    if (!timeoutMs) return call(context);
    const controller = new AbortController();
    const signal = context.signal ? AbortSignal.any([context.signal, controller.signal]) : controller.signal;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new ProviderError(`${this.id}: no answer within ${timeoutMs} ms (timeout)`, { retryable: true }));
        controller.abort();
      }, timeoutMs);
    });
    const pending = call({ ...context, signal });
    pending.catch(() => undefined); // the timeout may win the race; its loser must not go unhandled
    try {
      return await Promise.race([pending, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

interface StatsSource {
  stats?(): { promptTokens: number; prefillTokens: number; generatedTokens: number };
}

/** A rough token count before the real one is known: four characters a token. */
function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
