// The server's small guards as units: the sign-in limiter, the Host allow-list, constant-time secrets.
import { describe, expect, it } from "vitest";
import { secretsMatch } from "../../src/review/csrf.ts";
import { acceptedHosts, isLoopback } from "../../src/review/hosts.ts";
import { FailureLimiter } from "../../src/review/rate-limit.ts";

describe("FailureLimiter", () => {
  it("allows max failures a window per key, then says how long to wait; the window slides", () => {
    const limiter = new FailureLimiter({ max: 3, windowMs: 60_000 });
    for (let i = 0; i < 3; i++) {
      expect(limiter.retryAfterMs("a", 1000 + i)).toBe(0);
      limiter.fail("a", 1000 + i);
    }
    expect(limiter.retryAfterMs("a", 2000)).toBe(60_000 + 1000 - 2000);
    expect(limiter.retryAfterMs("b", 2000)).toBe(0);
    expect(limiter.retryAfterMs("a", 60_999)).toBe(1); // the first failure leaves the window at 61,000
    expect(limiter.retryAfterMs("a", 61_000)).toBe(0);
  });

  it("forgets the oldest clients past its bound", () => {
    const limiter = new FailureLimiter({ max: 1, windowMs: 60_000, maxClients: 2 });
    limiter.fail("a", 0);
    limiter.fail("b", 1);
    limiter.fail("c", 2);
    expect(limiter.retryAfterMs("a", 3)).toBe(0);
    expect(limiter.retryAfterMs("b", 3)).toBeGreaterThan(0);
    expect(limiter.retryAfterMs("c", 3)).toBeGreaterThan(0);
  });
});

describe("hosts", () => {
  it("a loopback bind answers only its own port by the loopback names", () => {
    expect(isLoopback("127.0.0.1")).toBe(true);
    expect(isLoopback("::1")).toBe(true);
    expect(isLoopback("localhost")).toBe(true);
    expect(isLoopback("0.0.0.0")).toBe(false);
    expect(isLoopback("192.168.1.5")).toBe(false);
    expect([...acceptedHosts("127.0.0.1", 8650)!].sort()).toEqual(["127.0.0.1:8650", "[::1]:8650", "localhost:8650"]);
    expect(acceptedHosts("0.0.0.0", 8650)).toBeNull();
  });
});

describe("secretsMatch", () => {
  it("matches equal strings only", () => {
    expect(secretsMatch("abc", "abc")).toBe(true);
    expect(secretsMatch("abd", "abc")).toBe(false);
    expect(secretsMatch("ab", "abc")).toBe(false);
    expect(secretsMatch("", "abc")).toBe(false);
  });
});
