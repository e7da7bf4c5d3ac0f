// The shard an item belongs to under `--shard I/N`: a pure function of its names, so the
// planner, `assay merge` and progress counts agree on every machine.
import { createHash } from "node:crypto";

/**
 * The item's shard (1-based): the first 6 bytes of sha256 over the JSON of [suite, task,
 * key], modulo `count`. JSON keeps ("a", "b/c") and ("a/b", "c") apart.
 */
export function shardOf(suite: string, task: string, itemKey: string, count: number): number {
  const digest = createHash("sha256")
    .update(JSON.stringify([suite, task, itemKey]))
    .digest();
  return (digest.readUIntBE(0, 6) % count) + 1;
}
