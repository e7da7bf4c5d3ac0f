// The shapes a run hands from file to file: tasks, strategies, scorers and models ready to
// run (with their store ids), one planned trial, and what finishing a trial produces.
import type { GenerateParams, Provider } from "../provider/types.ts";
import type { JudgeScorer } from "../score/autorater/judge.ts";
import type { Scorer } from "../score/types.ts";
import type { TrialRecord } from "../store/trials.ts";
import type { Strategy } from "../strategy/types.ts";
import type { TaskTemplates } from "../suite/prepare.ts";
import type { Item, LoadedTask, StrategySpec } from "../suite/types.ts";
import type { Reporter } from "./reporter.ts";

/** A strategy of a task with its store id and merged generation parameters. */
export interface PreparedStrategy {
  id: number;
  spec: StrategySpec;
  // biome-ignore lint/suspicious/noExplicitAny: each strategy has its own options type; a prepared one is used through the common interface
  strategy: Strategy<any>;
  params: GenerateParams;
}

/** A scorer of a task with its store id. */
export interface PreparedScorer {
  id: number;
  /** Its report name (the label). */
  name: string;
  /** Score only the trials of these strategies (a judge's `strategies:`); undefined: all. */
  strategies?: Set<string>;
  scorer: Scorer;
}

/** A task registered in the store, with compiled templates. */
export interface PreparedTask {
  /** `suite/task`. */
  key: string;
  task: LoadedTask;
  /** The task's row in the store. */
  taskId: number;
  templates: TaskTemplates;
  strategies: PreparedStrategy[];
  scorers: PreparedScorer[];
  /** Whether a scorer (a judge) shows the task's prompt: then each trial renders it without the strategy. */
  needsPrompt: boolean;
  /** The task's pairwise judge, bound to its model, with its store id (judged after the trials). */
  pairwise?: { scorerId: number; judge: JudgeScorer; swap: boolean };
}

/** A model registered in the store. */
export interface PreparedModel {
  id: number;
  /** As the user gave it: `echo`, `local:demo`, a named model. */
  spec: string;
  provider: Provider;
  concurrency: number;
  /**
   * What identifies the model's answers in the response cache: the provider id, plus the
   * weights' content hash for local models (a retrained file at the same path is a new model).
   */
  cacheId: string;
}

/** One trial: task x item x strategy x model x sample. */
export interface PlannedTrial {
  task: PreparedTask;
  item: Item;
  itemId: number;
  /** The item's rendered references (computed once per item, for all its trials). */
  targets: string[];
  strategy: PreparedStrategy;
  model: PreparedModel;
  sample: number;
  /** hashSeed(run seed, task, item): the item's few-shot sampling seed. */
  itemSeed: number;
}

/** A finished trial and the response-cache entries it produced; undefined when it was cut short by an interrupt. */
export type TrialOutcome = { record: TrialRecord; cacheEntries: [string, string][] } | undefined;

/** What running one trial needs besides the trial. */
export interface TrialOptions {
  seed: number;
  cache?: { get(key: string): string | undefined };
  reporter?: Reporter;
  signal?: AbortSignal;
  /** First retry backoff in ms (tests shorten it). */
  retryBaseDelayMs?: number;
}
