// Keeps a long run's memory flat. A run allocates a lot of short-lived garbage (prompts,
// outputs, records) and V8 lets its old space grow far past the live set before a full
// collection; an explicit collection every few thousand trials (~10 ms for a small live
// heap) keeps peak RSS near the live size at a negligible cost.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

let collect: (() => void) | undefined;

/** A function running a full garbage collection (exposed on first use). */
export function fullCollection(): () => void {
  if (!collect) {
    const existing = (globalThis as { gc?: () => void }).gc;
    if (existing) collect = existing;
    else {
      setFlagsFromString("--expose-gc");
      collect = runInNewContext("gc") as () => void;
    }
  }
  return collect;
}
