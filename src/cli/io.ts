// Where a command's output goes: stdout and stderr, and the exit code (tests pass their own).

/** Output streams and exit code of one CLI invocation. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  setExitCode(code: number): void;
  /** The terminal's width in columns when stdout is a terminal (tables narrower than it stay tables). */
  width?: number;
  /** The stream behind `out`, when there is one: long outputs (export) wait for it to drain. */
  stdout?: NodeJS.WritableStream;
}
