// Error classes with stable codes: a UserError is something the user can fix (printed
// without a stack, exit code 2); anything else is a bug and keeps its stack.

/** An error the user can fix: bad input, a bad flag, a missing file. Exit code 2. */
export class UserError extends Error {
  readonly code: string;
  /** Where the problem is: `suites/x.yaml:14 tasks[2].scorers[0]`, `data/x.jsonl:57`. */
  readonly location?: string;

  constructor(message: string, options: { code?: string; location?: string; cause?: unknown } = {}) {
    super(options.location ? `${options.location}: ${message}` : message, { cause: options.cause });
    this.name = "UserError";
    this.code = options.code ?? "E_USER";
    this.location = options.location;
  }
}

/** Several user errors collected during validation, reported together as one. */
export class ValidationError extends UserError {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(problems.join("\n"), { code: "E_VALIDATION" });
    this.name = "ValidationError";
    this.problems = problems;
  }
}

/**
 * A failed provider call. `retryable` marks transient faults (HTTP 429, 5xx, timeouts,
 * connection resets); `retryAfterMs` carries a server's Retry-After when it sent one.
 */
export class ProviderError extends Error {
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly status?: number;

  constructor(message: string, options: { retryable?: boolean; retryAfterMs?: number; status?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "ProviderError";
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
    this.status = options.status;
  }
}

// One bad file must not flood the terminal: the first 20 problems are listed, the rest counted.
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

/** Suggest the closest of `known` to `name` (Levenshtein distance at most 2), for "did you mean". */
export function didYouMean(name: string, known: Iterable<string>): string {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const d = levenshtein(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best ? `; did you mean "${best}"?` : "";
}

function levenshtein(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}
