// `assay report` as library functions: gather the runs and build the page; write it in place
// atomically (a reader never sees half a report, and a failure leaves no file).
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { UserError } from "../../errors.ts";
import type { Db } from "../../store/db.ts";
import { reportData } from "./data.ts";
import { reportPage } from "./page.ts";

/** A built report: the page, the runs it covers, its trials, and the warnings of runs whose numbers are partial. */
export interface BuiltReport {
  html: string;
  runs: number[];
  trials: number;
  warnings: string[];
}

/**
 * The HTML report of runs `runIds` (default: the newest run) of `db`.
 * @example writeHtmlFile("reports/run-3.html", buildReport(openStore(path, { readonly: true }), [3]).html)
 */
export function buildReport(db: Db, runIds: number[]): BuiltReport {
  const data = reportData(db, runIds);
  return {
    html: reportPage(data),
    runs: data.runs.map((r) => r.id),
    trials: data.trials.rows.length,
    warnings: data.runs.flatMap((r) => (r.warning ? [r.warning] : [])),
  };
}

/** File-system refusals the user can fix (permissions, a file where a folder should be, a full disk). */
const fixable = new Set(["EACCES", "EPERM", "EROFS", "ENOTDIR", "EEXIST", "EISDIR", "ENOSPC", "EDQUOT"]);

/** Check that `out` can name a file to write (not a directory), before any work is done. */
export function checkReportPath(out: string): void {
  let isDirectory = false;
  try {
    isDirectory = statSync(out, { throwIfNoEntry: false })?.isDirectory() ?? false;
  } catch (error) {
    throw writeError(out, error);
  }
  if (isDirectory) throw new UserError(`--out ${out} is a directory: name the HTML file to write`, { code: "E_REPORT" });
}

/** Write `html` to `out` through a temporary file renamed into place (directories created); returns the bytes written. */
export function writeHtmlFile(out: string, html: string): number {
  const temp = `${out}.${process.pid}.partial`;
  try {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(temp, html, { flag: "wx" });
    renameSync(temp, out);
  } catch (error) {
    rmSync(temp, { force: true });
    throw writeError(out, error);
  }
  return Buffer.byteLength(html);
}

function writeError(out: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  return code && fixable.has(code)
    ? new UserError(`cannot write ${out}: ${(error as Error).message}`, { code: "E_REPORT", cause: error })
    : error;
}
