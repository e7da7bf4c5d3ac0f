// `assay report` as a library function: gather the runs, build the page, write it in place
// atomically (a reader never sees half a report, and a failure leaves no file).
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Db } from "../../store/db.ts";
import { reportData } from "./data.ts";
import { reportPage } from "./page.ts";

/** Where `assay report` writes when no --out is given. */
export const defaultReportPath = "reports/assay-report.html";

/**
 * Write the HTML report of runs `runIds` (default: the newest run) of `db` to `out`
 * (directories created). Returns the file's size in bytes and the runs it covers.
 * @example writeReport(openStore(path, { readonly: true }), [3], "reports/run-3.html")
 */
export function writeReport(db: Db, runIds: number[], out: string): { bytes: number; runs: number[]; trials: number } {
  const data = reportData(db, runIds);
  const html = reportPage(data);
  mkdirSync(dirname(out), { recursive: true });
  const temp = `${out}.${process.pid}.partial`;
  try {
    writeFileSync(temp, html, { flag: "wx" });
    renameSync(temp, out);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  return { bytes: Buffer.byteLength(html), runs: data.runs.map((r) => r.id), trials: data.trials.rows.length };
}
