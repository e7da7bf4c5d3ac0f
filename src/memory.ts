// Keeps a long-running process's memory flat (a run, the review server). A run allocates a lot of short-lived garbage (prompts,
// outputs, records) and V8 lets its old space grow far past the live set before a full
// collection. Every few thousand trials the writer asks `collectIfGrown`: a full collection
// runs only when the heap has grown well past what the last one left, so peak RSS stays near
// the live size without paying for collections V8 would not need (each costs tens of ms on
// a large live heap). The library never changes its host's V8 flags: it collects only when
// the host exposes `gc` (the assay CLI does).

/** Heap growth over the last collection's live size that triggers the next one. */
const allowedGrowthBytes = 48 * 1024 * 1024;
let liveAfterLast = 0;

/** A full garbage collection when the host exposed `globalThis.gc`, else nothing. */
export function fullCollection(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return;
  gc();
  liveAfterLast = process.memoryUsage().heapUsed;
}

/** A full collection when the heap grew by more than 48 MB since the last one. */
export function collectIfGrown(): void {
  if (!(globalThis as { gc?: () => void }).gc) return;
  if (process.memoryUsage().heapUsed - liveAfterLast > allowedGrowthBytes) fullCollection();
}
