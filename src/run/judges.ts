// The judges of a run: which models they name (after a --judge-model override), each judge
// model identified like a candidate model (a local one by its weights' hash) and given its
// own concurrency, and each judge registered in the store and bound to its model.
import { Semaphore } from "../provider/limits.ts";
import type { Provider } from "../provider/types.ts";
import type { JudgeScorer } from "../score/autorater/judge.ts";
import type { Db } from "../store/db.ts";
import { upsertJudge } from "../store/judgments.ts";
import type { PairwiseSpec, ScorerSpec } from "../suite/types.ts";
import { cacheIdentity, type HashMemo, weightsIdentity } from "./provenance.ts";

/** A judge model ready for calls: its provider, cache identity and concurrency slots. */
export interface JudgeModel {
  spec: string;
  provider: Provider;
  cacheId: string;
  concurrency: number;
  limit<T>(call: () => Promise<T>): Promise<T>;
}

/** What binding a run's judges needs besides their models. */
export interface JudgeContext {
  db: Db;
  runId: number;
  models: Map<string, JudgeModel>;
  cache?: { get(key: string): string | undefined };
  seed: number;
  signal?: AbortSignal;
  retryBaseDelayMs?: number;
}

type JudgedTask = { scorers: ScorerSpec[]; pairwise?: PairwiseSpec };

/** The options of a task's judges: its judge scorers' and its pairwise judge's. */
function judgeArgsOf(task: JudgedTask): Record<string, unknown>[] {
  const out = task.scorers.filter((s) => s.name === "judge").map((s) => s.args);
  if (task.pairwise) out.push(task.pairwise.judge);
  return out;
}

/** The distinct judge model specs the tasks' judges name (all of them `override`, the run's --judge-model, when given). */
export function judgeModelSpecs(tasks: JudgedTask[], override: string | undefined): string[] {
  const specs = new Set<string>();
  for (const task of tasks) for (const args of judgeArgsOf(task)) specs.add(override ?? String(args.model));
  return [...specs];
}

/**
 * Identify each judge model (a local one by its weights' hash, as candidates are) and give it
 * slots: the largest `concurrency` its judges ask for, else the provider's default (4).
 */
export async function prepareJudgeModels(
  providers: Map<string, Provider>,
  tasks: JudgedTask[],
  override: string | undefined,
  memo: HashMemo,
): Promise<Map<string, JudgeModel>> {
  const wanted = new Map<string, number | undefined>();
  for (const task of tasks)
    for (const args of judgeArgsOf(task)) {
      const model = override ?? String(args.model);
      const asked = typeof args.concurrency === "number" ? args.concurrency : undefined;
      const before = wanted.get(model);
      wanted.set(model, asked === undefined ? before : Math.max(before ?? 0, asked));
    }
  const out = new Map<string, JudgeModel>();
  for (const [spec, asked] of wanted) {
    const provider = providers.get(spec)!;
    const weights = provider.weightsFile ? await weightsIdentity(provider.weightsFile, memo) : undefined;
    const draft = provider.draftFile ? await weightsIdentity(provider.draftFile, memo) : undefined;
    const concurrency = Math.max(1, asked ?? provider.concurrency ?? 4);
    const semaphore = new Semaphore(concurrency);
    out.set(spec, { spec, provider, cacheId: cacheIdentity(provider, weights, draft), concurrency, limit: (call) => semaphore.run(call) });
  }
  return out;
}

/** Bind a run's judge scorer to its model and register the judge (its exact identity) in the store. */
export function bindJudge(scorer: JudgeScorer, override: string | undefined, context: JudgeContext): void {
  const model = context.models.get(override ?? scorer.model)!;
  const sha256 = scorer.identity(model.cacheId, model.provider);
  const judgeId = upsertJudge(context.db, context.runId, {
    sha256,
    model: model.spec,
    provider: model.provider.id,
    rubric: scorer.config.args.rubric_file ?? scorer.config.rubric.name,
    template: scorer.config.rubric.sha256,
    params: { ...scorer.config.args, method: scorer.method(model.provider), generation: scorer.params() },
  });
  scorer.bind({
    model,
    judgeId,
    cache: context.cache,
    seed: context.seed,
    signal: context.signal,
    retryBaseDelayMs: context.retryBaseDelayMs,
    limit: model.limit,
  });
}
