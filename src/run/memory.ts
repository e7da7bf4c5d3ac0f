// Keeps a long run's memory flat. A run allocates a lot of short-lived garbage (prompts,
// outputs, records) and V8 lets its old space grow far past the live set before a full
// collection; an explicit collection every few thousand trials (~10 ms for a small live
// heap) keeps peak RSS near the live size at a negligible cost. The library never changes
// its host's V8 flags: it collects only when the host exposes `gc` (the assay CLI does).

/** A full garbage collection when the host exposed `globalThis.gc`, else nothing. */
export function fullCollection(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
