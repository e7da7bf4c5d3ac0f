// Registers a run's tasks and models in the store and returns them ready to run: scorers
// built, generation parameters merged, store ids attached, the task's definition hashed.
import { createHash } from "node:crypto";
import { UserError } from "../errors.ts";
import type { Provider } from "../provider/types.ts";
import { scorerFactories } from "../score/metrics/index.ts";
import type { Db } from "../store/db.ts";
import { upsertModel, upsertTask } from "../store/runs.ts";
import { strategies } from "../strategy/index.ts";
import { taskTemplates } from "../suite/prepare.ts";
import type { GenerationSettings, LoadedTask } from "../suite/types.ts";
import type { PreparedModel, PreparedTask } from "./types.ts";

const defaultGeneration: GenerationSettings = { temperature: 0, max_tokens: 256 };

/**
 * Insert (or, resuming, find) a task with its strategies, scorers and items. Resuming, the
 * task's definition and data must hash to what the run recorded at its start.
 */
export function registerTask(db: Db, runId: number, task: LoadedTask, resuming: boolean): PreparedTask {
  const key = `${task.suite}/${task.id}`;
  const scorers = task.scorers.map((s) => {
    const scorer = scorerFactories[s.name](s.args);
    return { spec: s, scorer, name: s.label ?? scorer.name };
  });
  const strategySpecs = task.strategies.map((spec) => {
    const strategy = strategies[spec.kind];
    const g: GenerationSettings = { ...defaultGeneration, ...task.generation, ...strategy.defaultGeneration, ...spec.generation };
    return {
      spec,
      strategy,
      params: { temperature: g.temperature ?? 0, topK: g.top_k, topP: g.top_p, maxTokens: g.max_tokens ?? 256, stop: g.stop, seed: g.seed },
    };
  });
  const definition = { ...task, loadedItems: undefined, loadedExemplars: task.loadedExemplars.map((e) => e.key), items: undefined, file: undefined };
  const hash = createHash("sha256").update(JSON.stringify(definition));
  for (const item of task.loadedItems) hash.update(JSON.stringify([item.key, item.fields]));
  const definitionHash = hash.digest("hex");
  const ids = upsertTask(db, runId, {
    suite: task.suite,
    task: task.id,
    definition,
    sha256: definitionHash,
    strategies: strategySpecs.map((s) => ({ name: s.spec.label, kind: s.spec.kind, params: { options: s.spec.options, generation: s.params } })),
    scorers: scorers.map((s) => ({ name: s.name, args: s.spec, binary: s.scorer.binary === true, corpus: s.scorer.aggregate !== undefined })),
    items: task.loadedItems,
  });
  if (resuming && ids.sha256 !== definitionHash) {
    throw new UserError(`task ${key} (its definition or data) changed since the run started; start a new run`, { code: "E_RESUME" });
  }
  return {
    key,
    task,
    templates: taskTemplates(task),
    itemIds: ids.itemIds,
    strategies: strategySpecs.map((s) => ({ ...s, id: ids.strategyIds.get(s.spec.label)! })),
    scorers: scorers.map((s) => ({ id: ids.scorerIds.get(s.name)!, scorer: s.scorer })),
  };
}

/** Insert (or find) the run's models; `concurrency` overrides each provider's default. */
export function registerModels(db: Db, runId: number, specs: string[], providers: Provider[], concurrency: number | undefined, cacheIds: string[]): PreparedModel[] {
  return providers.map((provider, i) => ({
    id: upsertModel(db, runId, specs[i], provider.id),
    spec: specs[i],
    provider,
    concurrency: Math.max(1, concurrency ?? provider.concurrency ?? 4),
    cacheId: cacheIds[i],
  }));
}
