// Loads the oracle fixtures under tests/fixtures/stats and compares numbers to 1e-9.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";

export interface FixtureCase {
  fn: string;
  args: unknown[];
  expected: unknown;
  [key: string]: unknown;
}

/** Parses a fixture file, turning the "NaN"/"Infinity" strings back into numbers. */
export function loadFixture(name: string): FixtureCase[] {
  const text = readFileSync(join(import.meta.dirname, "..", "fixtures", "stats", name), "utf8");
  return JSON.parse(text, (_k, v) => (v === "NaN" ? NaN : v === "Infinity" ? Infinity : v === "-Infinity" ? -Infinity : v)).cases;
}

/** Asserts |actual - expected| <= tol * max(1, |expected|), element-wise for arrays and objects. */
export function expectClose(actual: unknown, expected: unknown, tol = 1e-9, path = ""): void {
  if (typeof expected === "number") {
    expect(typeof actual, path).toBe("number");
    const a = actual as number;
    if (Number.isNaN(expected)) return void expect(a, path).toBeNaN();
    if (!Number.isFinite(expected)) return void expect(a, path).toBe(expected);
    const err = Math.abs(a - expected);
    if (!(err <= tol * Math.max(1, Math.abs(expected)))) expect.fail(`${path}: ${a} != ${expected} (|diff| ${err})`);
    return;
  }
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual) || ArrayBuffer.isView(actual), path).toBe(true);
    const arr = actual as number[];
    expect(arr.length, path).toBe(expected.length);
    expected.forEach((e, i) => expectClose(arr[i], e, tol, `${path}[${i}]`));
    return;
  }
  if (expected !== null && typeof expected === "object") {
    for (const [k, e] of Object.entries(expected)) expectClose((actual as Record<string, unknown>)[k], e, tol, `${path}.${k}`);
    return;
  }
  expect(actual, path).toEqual(expected);
}
