// The reporter interface: the run loop calls these hooks and never prints itself.

export interface RunStartInfo {
  runId: number;
  db: string;
  /** Trials planned in all (including ones already done, on resume). */
  total: number;
  /** Trials already stored (resume). */
  alreadyDone: number;
}

export interface TrialEvent {
  task: string;
  model: string;
  strategy: string;
  item: string;
  status: "done" | "error";
  error?: string;
  cached: boolean;
}

export interface Reporter {
  /** Something the user should know that does not stop the run (a broken suite file not selected, replay lines no trial used). */
  onWarning?(message: string): void;
  onRunStart?(info: RunStartInfo): void;
  onTrialResult?(event: TrialEvent): void;
  onRunEnd?(info: { runId: number; interrupted: boolean }): void;
}
