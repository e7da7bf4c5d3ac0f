// The assay CLI as a user runs it: a real process. Tests run the CLI from its TypeScript
// sources (src/cli/bin.ts through tsx's loader), never a dist/ that may be stale; the
// compiled CLI (bin/assay.js -> dist/) has its own test, tests/cli/dist.test.ts.
import { spawn, spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const root = join(import.meta.dirname, "..", "..");

/** Node arguments that start the CLI from the sources: `spawn(process.execPath, [...assayEntry, "run", ...])`. */
export const assayEntry = [
  "--import",
  pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href,
  join(root, "src", "cli", "bin.ts"),
];

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run `assay ARGS` in `cwd` and wait for it. */
export function assay(cwd: string, ...args: string[]): CliResult {
  const r = spawnSync(process.execPath, [...assayEntry, ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Start `assay ARGS` in `cwd` without waiting (other processes, or a server in this one, keep going). */
export function assayAsync(
  cwd: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): { pid: number; done: Promise<CliResult>; kill(signal: NodeJS.Signals): void } {
  const child = spawn(process.execPath, [...assayEntry, ...args], {
    cwd,
    env: { ...env, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const done = new Promise<CliResult>((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
  return { pid: child.pid!, done, kill: (signal) => child.kill(signal) };
}
