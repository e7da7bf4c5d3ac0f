// After the trials: every task's pairwise judge compares every two contestants (model x
// strategy) on each item, in both orders with swap (else in an order drawn from the seed), a
// chunk of items at a time, skipping pairs already judged (resume judges only what is missing).
import { hashSeed } from "../stats/random.ts";
import { responseCache } from "../store/cache.ts";
import type { Db } from "../store/db.ts";
import type { JudgmentRecord } from "../store/judgments.ts";
import { type ContestantTrial, contestantTrials, judgedPairs, pairJudgmentWriter } from "../store/pairwise.ts";
import type { PreparedTask } from "./types.ts";

/** Items judged per chunk (their calls run together, within the judge model's concurrency). */
const itemsPerChunk = 64;

/** Judge every missing pair of every task with a pairwise judge. Stops between chunks when the run is interrupted. */
export async function judgePairs(
  db: Db,
  tasks: PreparedTask[],
  options: { seed: number; cache: boolean; signal?: AbortSignal },
): Promise<void> {
  const write = pairJudgmentWriter(db);
  const putCache = options.cache ? responseCache(db).putMany : undefined;
  for (const task of tasks) {
    const pairwise = task.pairwise;
    if (!pairwise) continue;
    const done = judgedPairs(db, pairwise.scorerId, pairwise.judge.config.args.samples);
    let after = 0;
    for (;;) {
      if (options.signal?.aborted) return;
      const rows = contestantTrials(db, task.taskId, after, itemsPerChunk);
      if (rows.length === 0) break;
      after = rows[rows.length - 1].itemId;
      const calls: Promise<{ a: ContestantTrial; b: ContestantTrial; judgments: JudgmentRecord[]; cacheEntries: [string, string][] }>[] =
        [];
      for (const item of byItem(rows))
        for (let i = 0; i < item.length; i++)
          for (let j = i + 1; j < item.length; j++) {
            const [x, y] = [item[i], item[j]];
            // Without swap, which response is shown first is drawn per pair and item from the seed.
            const orders: [ContestantTrial, ContestantTrial][] = pairwise.swap
              ? [
                  [x, y],
                  [y, x],
                ]
              : hashSeed(options.seed, task.key, x.itemKey, x.trialId, y.trialId) % 2 === 0
                ? [[x, y]]
                : [[y, x]];
            for (const [a, b] of orders) {
              if (done.has(`${a.trialId}/${b.trialId}`)) continue;
              const input = {
                output: "",
                answer: null,
                targets: a.targets ? (JSON.parse(a.targets) as string[]) : [],
                item: JSON.parse(a.fields) as Record<string, unknown>,
                task: { id: task.task.id },
                itemKey: a.itemKey,
                prompt: task.templates.renderPrompt(JSON.parse(a.fields)),
              };
              calls.push(
                pairwise.judge
                  .judgePair(input, a, b, `${a.modelId}.${a.strategyId}|${b.modelId}.${b.strategyId}`)
                  .then((r) => ({ a, b, ...r })),
              );
            }
          }
      const results = await Promise.all(calls);
      // A call cut short by an interrupt is not stored: resume judges it again.
      if (options.signal?.aborted) return;
      write(
        results.flatMap((r) =>
          r.judgments.map((judgment) => ({ scorerId: pairwise.scorerId, trialA: r.a.trialId, trialB: r.b.trialId, judgment })),
        ),
      );
      putCache?.(results.flatMap((r) => r.cacheEntries));
    }
  }
}

/** Consecutive rows grouped by item. */
function* byItem(rows: ContestantTrial[]): Generator<ContestantTrial[]> {
  let group: ContestantTrial[] = [];
  for (const row of rows) {
    if (group.length && group[0].itemId !== row.itemId) {
      yield group;
      group = [];
    }
    group.push(row);
  }
  if (group.length) yield group;
}
