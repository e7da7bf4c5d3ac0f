// The trials of a run, planned lazily (task x item x strategy x model x sample) so a run of
// any size is a generator, never a list.
import { hashSeed } from "../stats/random.ts";
import type { PlannedTrial, PreparedModel, PreparedTask } from "./types.ts";

/** Whether a trial is already stored (resume skips it). */
export type StoredTrialCheck = (itemId: number, strategyId: number, modelId: number, sample: number) => boolean;

/**
 * Yield every trial not already stored, in plan order: all of an item's trials come
 * together, so its prompt is rendered and written once for every model and sample.
 */
export function* planTrials(tasks: PreparedTask[], models: PreparedModel[], options: { seed: number; isStored?: StoredTrialCheck }): Generator<PlannedTrial> {
  for (const task of tasks)
    for (const item of task.task.loadedItems) {
      const itemId = task.itemIds.get(item.key)!;
      const itemSeed = hashSeed(options.seed, task.key, item.key);
      for (const strategy of task.strategies)
        for (const model of models)
          for (let sample = 0; sample < task.task.repeats; sample++) {
            if (options.isStored?.(itemId, strategy.id, model.id, sample)) continue;
            yield { task, item, itemId, strategy, model, sample, itemSeed };
          }
    }
}

/** How many trials the full plan has (stored ones included). */
export function countTrials(tasks: PreparedTask[], models: PreparedModel[]): number {
  return tasks.reduce((n, t) => n + t.task.loadedItems.length * t.strategies.length * t.task.repeats, 0) * models.length;
}
