// Where the gate's results go besides the terminal: JUnit and Markdown files, and the Markdown
// appended to $GITHUB_STEP_SUMMARY when GitHub Actions sets it.
import { appendFileSync, renameSync, writeFileSync } from "node:fs";
import { UserError } from "../errors.ts";
import type { Db } from "../store/db.ts";
import { readBaselineFile } from "./baseline-file.ts";
import { type GateOptions, type GateRow, runGate } from "./gate.ts";
import { gateJunit } from "./junit.ts";
import { gateMarkdown } from "./markdown.ts";
import { type GateSide, runSide } from "./side.ts";

/** A side as `--baseline` / `--candidate` give it: a run id (all digits) or a baseline file's path. */
export function isRunId(ref: string): boolean {
  return /^\d+$/.test(ref);
}

/** Load a side: a stored run from `db`, or a baseline file. */
export function loadSide(ref: string, db: Db | undefined): GateSide {
  if (!isRunId(ref)) return readBaselineFile(ref);
  if (!db) throw new Error("a run id needs the store");
  return runSide(db, Number.parseInt(ref, 10));
}

/** The gate of two sides given as run ids or baseline files (`db` needed when either is a run id). */
export function gateSides(baseline: string, candidate: string, db: Db | undefined, options: GateOptions): GateRow[] {
  return runGate(loadSide(baseline, db), loadSide(candidate, db), options);
}

/** Output files of the gate; `summary` is $GITHUB_STEP_SUMMARY's path when set. */
export interface GateReportFiles {
  junit?: string;
  markdown?: string;
  summary?: string;
}

/** Write the JUnit and Markdown files (each whole, through a renamed temporary file) and append to the step summary. */
export function writeGateReports(rows: GateRow[], files: GateReportFiles, options: GateOptions & { strict: boolean }): void {
  const markdown = files.markdown || files.summary ? gateMarkdown(rows, options) : "";
  if (files.junit) writeWhole(files.junit, gateJunit(rows, options));
  if (files.markdown) writeWhole(files.markdown, markdown);
  if (files.summary) {
    try {
      appendFileSync(files.summary, `${markdown}\n`);
    } catch (error) {
      throw new UserError(`cannot append to $GITHUB_STEP_SUMMARY: ${(error as Error).message}`, {
        location: files.summary,
        code: "E_FILE",
      });
    }
  }
}

function writeWhole(path: string, text: string): void {
  const temp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, text);
    renameSync(temp, path);
  } catch (error) {
    throw new UserError(`cannot write: ${(error as Error).message}`, { location: path, code: "E_FILE", cause: error });
  }
}
