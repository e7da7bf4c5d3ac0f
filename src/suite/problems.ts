// A suite file's problems keep the names it could be selected by (a broken file may still
// be what a selector meant).
import { ValidationError } from "../errors.ts";

/** The names a selector could pick a suite file's tasks by: what could be read of them. */
export interface SelectableNames {
  /** Suite id, task ids, `suite/task` and the file's stem (`arith` for `arith.yaml`). */
  names: string[];
  /** Tags of its tasks and suite; null when the tasks could not be read. */
  tags: string[] | null;
}

/** A suite file that cannot be used, with every problem found in it. */
export class SuiteFileError extends ValidationError {
  constructor(
    problems: string[],
    /** The file as messages show it. */
    readonly file: string,
    readonly selectable: SelectableNames,
  ) {
    super(problems);
    this.name = "SuiteFileError";
  }
}
