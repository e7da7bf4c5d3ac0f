// Shared flag parsers for the CLI.
import { InvalidArgumentError } from "commander";

/** Parse a non-negative integer flag value. */
export function intOption(flag: string): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`${flag} takes a whole number, got "${value}"`);
    return Number.parseInt(value, 10);
  };
}

/** Collect a repeatable flag into an array. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
