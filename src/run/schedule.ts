// Runs planned trials with at most `concurrency` calls per model and a bounded window of
// trials in flight, and stops taking new trials when the run is interrupted.
import type { PlannedTrial, PreparedModel } from "./types.ts";

interface Lane {
  active: number;
  concurrency: number;
  waiting: PlannedTrial[];
}

/** How long the planner may run without giving timers and signal handlers (Ctrl-C) a turn. */
const maxBusyMs = 25;

/**
 * Call `runTrial` for every planned trial: per model, a plain slot counter and queue (no
 * promise per trial beyond the trial's own); a trial gives its model slot back when it calls
 * `generated`, or when it settles. At most 2 x (sum of concurrencies, judges' included) trials are in
 * flight; the planner waits when the window is full and resumes once a quarter of it is done.
 * A fast model (echo, replay, cache hits) settles trials in microtasks, which would starve
 * the event loop, so the planner yields a macrotask turn every `maxBusyMs`: an interrupt is
 * seen within that time at any speed. Resolves when every started trial has settled;
 * rejects with the first error `runTrial` threw (after the others settle).
 */
export async function scheduleTrials(
  plan: Iterable<PlannedTrial>,
  models: PreparedModel[],
  runTrial: (trial: PlannedTrial, generated: () => void) => Promise<void>,
  signal?: AbortSignal,
  judgeConcurrency = 0,
): Promise<void> {
  const lanes = new Map<number, Lane>(models.map((m) => [m.id, { active: 0, concurrency: m.concurrency, waiting: [] }]));
  // Trials being judged hold no model slot but stay in flight: the window has room for the judges' slots too.
  const maxInFlight = (models.reduce((n, m) => n + m.concurrency, 0) + judgeConcurrency) * 2;
  const resumeAt = maxInFlight - Math.max(1, Math.floor(maxInFlight / 4));
  let inFlight = 0;
  let wake: (() => void) | undefined;
  let failure: { error: unknown } | undefined;
  const start = (trial: PlannedTrial, lane: Lane): void => {
    lane.active++;
    let released = false;
    // The model's slot is freed when its calls are over (a judge may still be scoring the trial).
    const release = () => {
      if (released) return;
      released = true;
      lane.active--;
      const next = lane.waiting.shift();
      if (next) start(next, lane);
    };
    runTrial(trial, release).then(
      () => settle(release),
      (error: unknown) => {
        failure ??= { error };
        settle(release);
      },
    );
  };
  const settle = (release: () => void): void => {
    inFlight--;
    release();
    if (wake && (inFlight <= resumeAt || inFlight === 0)) {
      const w = wake;
      wake = undefined;
      w();
    }
  };
  let busySince = performance.now();
  let sinceCheck = 0;
  for (const trial of plan) {
    if (++sinceCheck >= 64) {
      sinceCheck = 0;
      if (performance.now() - busySince > maxBusyMs) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        busySince = performance.now();
      }
    }
    if (signal?.aborted || failure) break;
    while (inFlight >= maxInFlight) await new Promise<void>((resolve) => (wake = resolve));
    if (signal?.aborted || failure) break;
    inFlight++;
    const lane = lanes.get(trial.model.id)!;
    if (lane.active < lane.concurrency) start(trial, lane);
    else lane.waiting.push(trial);
  }
  // Queued trials that never started are dropped on interrupt: they stay not done, for resume.
  if (signal?.aborted || failure) {
    for (const lane of lanes.values()) {
      inFlight -= lane.waiting.length;
      lane.waiting = [];
    }
  }
  while (inFlight > 0) await new Promise<void>((resolve) => (wake = resolve));
  if (failure) throw failure.error;
}
