// The assay CLI as a user runs it: a real process through bin/assay.js.
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";

export const assayBin = join(import.meta.dirname, "..", "..", "bin", "assay.js");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run `assay ARGS` in `cwd` and wait for it. */
export function assay(cwd: string, ...args: string[]): CliResult {
  const r = spawnSync(process.execPath, [assayBin, ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Start `assay ARGS` in `cwd` without waiting (other processes, or a server in this one, keep going). */
export function assayAsync(cwd: string, args: string[], env: NodeJS.ProcessEnv = process.env): { pid: number; done: Promise<CliResult>; kill(signal: NodeJS.Signals): void } {
  const child = spawn(process.execPath, [assayBin, ...args], { cwd, env: { ...env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const done = new Promise<CliResult>((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
  return { pid: child.pid!, done, kill: (signal) => child.kill(signal) };
}
