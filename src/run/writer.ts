// The run's only writer of results: finished trials and response-cache entries go to the
// store in batched transactions (one per 500 trials or 50 ms, whichever comes first).
import { responseCache } from "../store/cache.ts";
import type { Db } from "../store/db.ts";
import { trialWriter, type TrialRecord } from "../store/trials.ts";
import { collectIfGrown } from "../memory.ts";

/** Receives finished trials; `flush` writes what is pending. */
export interface TrialSink {
  add(trial: TrialRecord, cacheEntries: [string, string][]): void;
  flush(): void;
}

const batchTrials = 500;
const batchMs = 50;
const trialsPerCollection = 5_000;

/**
 * A sink writing trials (with generations, prompts and scores) and cache entries in one
 * transaction per batch. Short-lived batches keep results out of V8's old space, and a full
 * collection, asked for every 5,000 trials (src/memory.ts), keeps peak memory near the live size.
 */
export function trialSink(db: Db, options: { cache: boolean }): TrialSink {
  const write = trialWriter(db);
  const putCache = options.cache ? responseCache(db).putMany : undefined;
  let trials: TrialRecord[] = [];
  let cacheEntries: [string, string][] = [];
  let timer: NodeJS.Timeout | undefined;
  let sinceCollection = 0;
  // A write that fails on the timer (disk full, database locked too long) must not become an
  // uncaught exception: it is kept and thrown to the next caller.
  let failure: { error: unknown } | undefined;
  const flush = () => {
    if (failure) throw failure.error;
    if (timer) clearTimeout(timer);
    timer = undefined;
    const batch = trials;
    const entries = cacheEntries;
    trials = [];
    cacheEntries = [];
    if (batch.length) write(batch);
    if (entries.length && putCache) putCache(entries);
    sinceCollection += batch.length;
    if (sinceCollection >= trialsPerCollection) {
      sinceCollection = 0;
      collectIfGrown();
    }
  };
  return {
    add(trial, entries) {
      if (failure) throw failure.error;
      trials.push(trial);
      for (const e of entries) cacheEntries.push(e);
      if (trials.length >= batchTrials) flush();
      else
        timer ??= setTimeout(() => {
          try {
            flush();
          } catch (error) {
            failure ??= { error };
          }
        }, batchMs);
    },
    flush,
  };
}
