// Finds suite files under a folder: *.yaml, *.yml and *.suite.ts at any depth, skipping
// data/, node_modules/ and dot folders. Symbolic-link loops and dangling links cannot
// stop the walk: such entries are skipped with a note.
import { readdirSync, realpathSync, statSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../errors.ts";
import { fileError } from "../text-file.ts";

/** The suite files found, and notes on entries that were skipped. */
export interface SuiteFiles {
  files: string[];
  /** `suites/loop: skipped: too many levels of symbolic links`. */
  skipped: string[];
}

/** Whether a file name is a suite's. */
export function isSuiteFileName(name: string): boolean {
  return /\.(ya?ml)$/.test(name) || name.endsWith(".suite.ts");
}

/**
 * All suite files under `dir`, sorted by name within each folder. A folder reached twice
 * (a link to a parent) is walked once. An entry that cannot be examined (a dangling link,
 * a link loop) is kept when named like a suite file, so loading it reports the problem,
 * and otherwise skipped with a note. `show` turns a path into its form in messages.
 */
export function findSuiteFiles(dir: string, show: (path: string) => string = (p) => p): SuiteFiles {
  const files: string[] = [];
  const skipped: string[] = [];
  const visited = new Set<string>();
  const walk = (d: string) => {
    let real: string;
    let names: string[];
    try {
      real = realpathSync(d);
      names = readdirSync(d).sort();
    } catch (error) {
      skipped.push(`${show(d)}: skipped: ${why(error)}`);
      return;
    }
    if (visited.has(real)) {
      skipped.push(`${show(d)}: skipped: the same directory as ${show(real)} (a link loop)`);
      return;
    }
    visited.add(real);
    for (const name of names) {
      const full = join(d, name);
      let isDirectory: boolean;
      try {
        isDirectory = statSync(full).isDirectory();
      } catch (error) {
        if (isSuiteFileName(name)) files.push(full);
        else skipped.push(`${show(full)}: skipped: ${why(error)}`);
        continue;
      }
      if (isDirectory) {
        if (name !== "data" && name !== "node_modules" && !name.startsWith(".")) walk(full);
      } else if (isSuiteFileName(name)) files.push(full);
    }
  };
  let top: boolean;
  try {
    top = statSync(dir).isDirectory();
  } catch (error) {
    throw fileError(error, "suites directory", show(dir), "E_SUITE");
  }
  if (!top) throw new UserError("suites directory is not a directory", { location: show(dir), code: "E_SUITE" });
  walk(dir);
  return { files, skipped };
}

/** Why an entry could not be examined, in words. */
function why(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ELOOP") return "a loop of symbolic links";
  if (code === "ENOENT") return "a symbolic link to nothing";
  if (code === "EACCES") return "permission denied";
  return `cannot be read (${code ?? (error as Error).message})`;
}
