// Registers a run's tasks, items and models in the store and returns them ready to run:
// scorers built, generation parameters merged, store ids attached, definitions hashed.
import { createHash } from "node:crypto";
import { UserError } from "../errors.ts";
import type { Provider } from "../provider/types.ts";
import { JudgeScorer } from "../score/autorater/judge.ts";
import { scorerFactories } from "../score/scorers.ts";
import type { Scorer } from "../score/types.ts";
import type { Db } from "../store/db.ts";
import { itemInserter, upsertModel, upsertTask, type ModelWeights } from "../store/runs.ts";
import { strategies } from "../strategy/index.ts";
import { taskTemplates } from "../suite/prepare.ts";
import type { GenerationSettings, Item, LoadedTask } from "../suite/types.ts";
import type { PreparedModel, PreparedTask } from "./types.ts";

const defaultGeneration: GenerationSettings = { temperature: 0, max_tokens: 256 };

/**
 * What a task's definition hash covers: everything that changes its trials (templates,
 * strategies, scorers, generation settings, the items' hash and count, the exemplars'
 * keys), and not where it was written (`location`, `sources`) or how its items are read.
 */
export function taskDefinition(task: LoadedTask): Record<string, unknown> {
  return {
    ...task,
    location: undefined,
    sources: undefined,
    readItems: undefined,
    items: undefined,
    file: undefined,
    loadedExemplars: task.loadedExemplars.map((e) => e.key),
  };
}

/**
 * Insert (or, resuming, find) a task with its strategies and scorers. Resuming, the
 * task's definition and data must hash to what the run recorded at its start. `bindJudge`
 * connects each judge scorer to its model.
 */
export function registerTask(
  db: Db,
  runId: number,
  task: LoadedTask,
  resuming: boolean,
  bindJudge?: (scorer: JudgeScorer) => void,
): PreparedTask {
  const key = `${task.suite}/${task.id}`;
  const scorers = task.scorers.map((s) => {
    const scorer: Scorer = scorerFactories[s.name](s.args);
    if (scorer instanceof JudgeScorer) bindJudge?.(scorer);
    return { spec: s, scorer: scorer as Scorer, name: s.label ?? scorer.name };
  });
  // The pairwise judge is stored as a scorer of the task (its judgments point to it); it writes no scores.
  const pairwise = task.pairwise ? { spec: task.pairwise, judge: new JudgeScorer(task.pairwise.judge, undefined, true) } : undefined;
  if (pairwise) bindJudge?.(pairwise.judge);
  const strategySpecs = task.strategies.map((spec) => {
    const strategy = strategies[spec.kind];
    const g: GenerationSettings = { ...defaultGeneration, ...task.generation, ...strategy.defaultGeneration, ...spec.generation };
    return {
      spec,
      strategy,
      params: { temperature: g.temperature ?? 0, topK: g.top_k, topP: g.top_p, maxTokens: g.max_tokens ?? 256, stop: g.stop, seed: g.seed },
    };
  });
  const definition = taskDefinition(task);
  const definitionHash = createHash("sha256").update(JSON.stringify(definition)).digest("hex");
  const ids = upsertTask(db, runId, {
    suite: task.suite,
    task: task.id,
    definition,
    sha256: definitionHash,
    strategies: strategySpecs.map((s) => ({
      name: s.spec.label,
      kind: s.spec.kind,
      params: { options: s.spec.options, generation: s.params },
    })),
    scorers: [
      ...scorers.map((s) => ({
        name: s.name,
        args: s.spec,
        binary: s.scorer.binary === true,
        corpus: s.scorer.aggregate !== undefined,
      })),
      ...(pairwise
        ? [
            {
              name: pairwise.spec.label,
              args: { name: "pairwise", args: pairwise.spec.judge, swap: pairwise.spec.swap },
              binary: false,
              corpus: false,
            },
          ]
        : []),
    ],
  });
  if (resuming && ids.sha256 !== definitionHash) {
    throw new UserError(`task ${key} (its definition or data) changed since the run started; start a new run`, { code: "E_RESUME" });
  }
  return {
    key,
    task,
    taskId: ids.taskId,
    templates: taskTemplates(task),
    strategies: strategySpecs.map((s) => ({ ...s, id: ids.strategyIds.get(s.spec.label)! })),
    scorers: scorers.map((s) => {
      const only = s.scorer instanceof JudgeScorer ? s.scorer.config.args.strategies : undefined;
      return { id: ids.scorerIds.get(s.name)!, name: s.name, scorer: s.scorer, strategies: only && new Set(only) };
    }),
    needsPrompt: scorers.some((s) => s.scorer instanceof JudgeScorer),
    pairwise: pairwise && { scorerId: ids.scorerIds.get(pairwise.spec.label)!, judge: pairwise.judge, swap: pairwise.spec.swap },
  };
}

/**
 * Store a chunk of a task's items with their rendered references (for exports); returns
 * their ids. A new run's tasks have no items yet (`fresh`), a resumed run's may.
 */
export function itemRegistrar(db: Db, fresh: boolean): (task: PreparedTask, items: Item[], targets: string[][]) => number[] {
  const insert = itemInserter(db);
  return (task, items, targets) =>
    insert(
      task.taskId,
      items.map((i, n) => ({ key: i.key, cluster: i.cluster, fields: i.fields, targets: targets[n] })),
      fresh,
    );
}

/** Insert (or find) the run's models with their weights; `concurrency` overrides each provider's default. */
export function registerModels(
  db: Db,
  runId: number,
  models: { spec: string; provider: Provider; cacheId: string; weights?: ModelWeights }[],
  concurrency: number | undefined,
): PreparedModel[] {
  return models.map((m) => ({
    id: upsertModel(db, runId, m.spec, m.provider.id, m.weights, m.provider.settings),
    spec: m.spec,
    provider: m.provider,
    concurrency: Math.max(1, concurrency ?? m.provider.concurrency ?? 4),
    cacheId: m.cacheId,
  }));
}
