// Collecting a file's problems: the first 20 are listed and the rest counted, so one bad
// file cannot flood the terminal; a suite file's problems keep the names it could be selected by.
import { ValidationError } from "../errors.ts";

/** How many problems of one kind are listed before the rest are only counted. */
export const MAX_LISTED = 20;

/** Located problems, at most `max` listed; `list()` ends with "... and N more" when some were left out. */
export class ProblemList {
  private readonly items: string[] = [];
  private extra = 0;

  constructor(private readonly max = MAX_LISTED) {}

  add(problem: string): void {
    if (this.items.length < this.max) this.items.push(problem);
    else this.extra++;
  }

  /** Whether any problem was added. */
  get any(): boolean {
    return this.items.length > 0;
  }

  /** The problems found, in order, and a count of those left out. */
  list(): string[] {
    return this.extra ? [...this.items, `... and ${this.extra} more`] : [...this.items];
  }

  /** Throw a ValidationError with the problems, if there are any. */
  throwIfAny(): void {
    if (this.any) throw new ValidationError(this.list());
  }
}

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
