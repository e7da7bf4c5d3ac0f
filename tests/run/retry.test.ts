// Retries: backoff waits honour the abort signal and leave no listeners behind.
import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { ProviderError } from "../../src/errors.ts";
import { sleep, withRetry } from "../../src/run/retry.ts";

describe("withRetry", () => {
  it("removes its abort listener after each backoff", async () => {
    const controller = new AbortController();
    let calls = 0;
    const result = await withRetry(
      async () => {
        if (++calls < 6) throw new ProviderError("HTTP 503", { retryable: true });
        return "ok";
      },
      { retries: 5, baseDelayMs: 1, maxDelayMs: 2, signal: controller.signal },
    );
    expect(result).toEqual({ value: "ok", attempts: 6 });
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("stops waiting when the signal aborts, and stops retrying", async () => {
    const controller = new AbortController();
    let calls = 0;
    const started = Date.now();
    setTimeout(() => controller.abort(), 20);
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new ProviderError("HTTP 429", { retryable: true });
        },
        { retries: 3, baseDelayMs: 60_000, maxDelayMs: 60_000, signal: controller.signal },
      ),
    ).rejects.toThrow("HTTP 429");
    expect(calls).toBe(2);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("sleep resolves at once on an already aborted signal", async () => {
    const controller = new AbortController();
    controller.abort();
    await sleep(60_000, controller.signal);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });
});
