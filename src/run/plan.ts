// The trials of a run, planned lazily (task x item x strategy x model x sample) so a run of
// any size is a generator, never a list: items are read from their dataset as they are
// planned, and registered in the store a chunk at a time.
import { inShard, type Shard } from "../merge/shard.ts";
import { hashSeed } from "../stats/random.ts";
import type { Item } from "../suite/types.ts";
import type { PlannedTrial, PreparedModel, PreparedTask } from "./types.ts";

/** Whether a trial is already stored (resume skips it). */
export type StoredTrialCheck = (itemId: number, strategyId: number, modelId: number, sample: number) => boolean;

/** Options of planTrials. */
export interface PlanOptions {
  seed: number;
  /** Store a chunk of a task's items with their rendered targets (or find them, resuming); returns their ids in order. */
  registerItems: (task: PreparedTask, items: Item[], targets: string[][]) => number[];
  isStored?: StoredTrialCheck;
  /**
   * Run only this shard's items. Every item is still registered (so each shard's store holds
   * the whole dataset in file order, and a merge finds the items, and their order, of one run).
   */
  shard?: Shard;
}

/** Items registered in the store at a time. */
const itemsPerChunk = 512;

/**
 * Yield every trial not already stored, in plan order: all of an item's trials come
 * together, so its prompt is rendered and written once for every model and sample.
 */
export function* planTrials(tasks: PreparedTask[], models: PreparedModel[], options: PlanOptions): Generator<PlannedTrial> {
  for (const task of tasks)
    for (const chunk of chunks(task.task.readItems(), itemsPerChunk)) {
      // An item's targets are rendered once: stored with the item, scored with each of its trials.
      const targets = chunk.map((item) => task.templates.targetsOf(item));
      const ids = options.registerItems(task, chunk, targets);
      for (let i = 0; i < chunk.length; i++) {
        const item = chunk[i];
        const itemId = ids[i];
        if (!inShard(options.shard, task.task.suite, task.task.id, item.key)) continue;
        const itemSeed = hashSeed(options.seed, task.key, item.key);
        for (const strategy of task.strategies)
          for (const model of models)
            for (let sample = 0; sample < task.task.repeats; sample++) {
              if (options.isStored?.(itemId, strategy.id, model.id, sample)) continue;
              yield { task, item, itemId, targets: targets[i], strategy, model, sample, itemSeed };
            }
      }
    }
}

/** How many trials the full plan (or a shard of it: its items are read once more to count them) has, stored ones included. */
export function countTrials(tasks: PreparedTask[], models: PreparedModel[], shard?: Shard): number {
  const items = (t: PreparedTask) => {
    if (shard === undefined || shard.count === 1) return t.task.itemCount;
    let n = 0;
    for (const item of t.task.readItems()) if (inShard(shard, t.task.suite, t.task.id, item.key)) n++;
    return n;
  };
  return tasks.reduce((n, t) => n + items(t) * t.strategies.length * t.task.repeats, 0) * models.length;
}

function* chunks<T>(items: Iterable<T>, size: number): Generator<T[]> {
  let chunk: T[] = [];
  for (const item of items) {
    chunk.push(item);
    if (chunk.length === size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length) yield chunk;
}
