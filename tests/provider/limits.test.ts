// Per-model limits: concurrency, requests/tokens per window (fake clock), timeout, cost.
import { describe, expect, it } from "vitest";
import { ProviderError } from "../../src/errors.ts";
import { LimitedProvider, RateWindow } from "../../src/provider/limits.ts";
import type { CallContext, Generation, Provider } from "../../src/provider/types.ts";

const call: CallContext = { task: "t", item: "i", strategy: "s", sample: 0 };
const params = { temperature: 0, maxTokens: 10 };

function fakeClock() {
  let time = 0;
  // Sleeping yields a macrotask first, so calls already admitted start before the clock moves.
  return { now: () => time, sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(() => ((time += ms), resolve()), 0)) };
}

function stubProvider(
  answer: (context: CallContext) => Promise<Generation> = async () => ({
    text: "ok",
    finishReason: "stop",
    inputTokens: 1000,
    outputTokens: 500,
    latencyMs: 1,
  }),
): Provider & { calls: number } {
  const stub = { id: "stub", calls: 0, generate: async (_p: unknown, _g: unknown, c: CallContext) => (stub.calls++, answer(c)) };
  return stub;
}

describe("limits", () => {
  it("starts at most rpm requests in any window", async () => {
    const clock = fakeClock();
    const starts: number[] = [];
    const inner = stubProvider(async () => (starts.push(clock.now()), { text: "", finishReason: "stop", latencyMs: 0 }));
    const limited = new LimitedProvider(inner, { rpm: 2, windowMs: 1000, ...clock });
    await Promise.all(Array.from({ length: 5 }, () => limited.generate({ text: "x" }, params, call)));
    expect(starts).toEqual([0, 0, 1000, 1000, 2000]);
  });

  it("keeps tokens per window within tpm, settling estimates to real usage", async () => {
    const clock = fakeClock();
    const window = new RateWindow(100, 1000, clock.now, clock.sleep);
    const first = await window.acquire(80);
    first.weight = 30; // the call used fewer tokens than reserved
    await window.acquire(60);
    expect(clock.now()).toBe(0);
    await window.acquire(50); // 90 used: waits for the window to pass
    expect(clock.now()).toBe(1000);
    await window.acquire(500); // larger than the limit: runs alone once the window is empty
    expect(clock.now()).toBe(2000);
  });

  it("caps calls in flight at the concurrency", async () => {
    let active = 0;
    let peak = 0;
    const inner = stubProvider(async () => {
      peak = Math.max(peak, ++active);
      await new Promise((resolve) => setImmediate(resolve));
      active--;
      return { text: "", finishReason: "stop", latencyMs: 0 };
    });
    const limited = new LimitedProvider(inner, { concurrency: 2 });
    await Promise.all(Array.from({ length: 6 }, () => limited.generate({ text: "x" }, params, call)));
    expect(peak).toBe(2);
    expect(limited.concurrency).toBe(2);
  });

  it("times a call out with a retryable error and aborts it", async () => {
    let aborted = false;
    const inner = stubProvider(
      (context) =>
        new Promise((_, reject) => context.signal!.addEventListener("abort", () => ((aborted = true), reject(new Error("aborted"))))),
    );
    const limited = new LimitedProvider(inner, { timeoutMs: 20 });
    const error = await limited.generate({ text: "x" }, params, call).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ retryable: true });
    expect((error as Error).message).toMatch(/timeout/);
    expect(aborted).toBe(true);
  });

  it("prices a generation from the price table", async () => {
    const limited = new LimitedProvider(stubProvider(), { price: { input: 1, output: 2 }, retries: 5 });
    const g = await limited.generate({ text: "x" }, params, call);
    expect(g.costUsd).toBeCloseTo(0.002, 12);
    expect(limited.retries).toBe(5);
    const unpriced = await new LimitedProvider(stubProvider(), {}).generate({ text: "x" }, params, call);
    expect(unpriced.costUsd).toBeUndefined();
  });
});
