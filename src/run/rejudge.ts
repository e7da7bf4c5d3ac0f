// Resuming a run judges again the scores whose judge calls all failed (the judge model was
// down or rate-limited past its retries): the candidate's output stands, only the missing
// judgment is made, and the score and its judgments are replaced.
import type { JudgedResult } from "../score/autorater/judge.ts";
import { JudgeScorer } from "../score/autorater/judge.ts";
import { responseCache } from "../store/cache.ts";
import type { Db } from "../store/db.ts";
import { failedJudgeScores, judgedAgainWriter } from "../store/judgments.ts";
import type { PreparedTask } from "./types.ts";

/** Scores judged again per transaction. */
const batch = 256;

/** Judge again every failed judge score of the run; returns how many were judged. */
export async function rejudgeFailed(
  db: Db,
  runId: number,
  tasks: PreparedTask[],
  options: { cache: boolean; signal?: AbortSignal },
): Promise<number> {
  const failed = failedJudgeScores(db, runId);
  if (failed.length === 0) return 0;
  const byTask = new Map(tasks.map((t) => [t.taskId, t]));
  const write = judgedAgainWriter(db);
  const putCache = options.cache ? responseCache(db).putMany : undefined;
  let done = 0;
  for (let at = 0; at < failed.length; at += batch) {
    if (options.signal?.aborted) break;
    const chunk = failed.slice(at, at + batch);
    const results = await Promise.all(
      chunk.map(async (f) => {
        const task = byTask.get(f.taskId);
        const scorer = task?.scorers.find((s) => s.id === f.scorerId)?.scorer;
        if (!task || !(scorer instanceof JudgeScorer)) return undefined;
        const fields = JSON.parse(f.fields) as Record<string, unknown>;
        const result = (await scorer.score({
          output: f.output ?? "",
          answer: f.answer,
          targets: f.targets ? (JSON.parse(f.targets) as string[]) : [],
          item: fields,
          task: { id: task.task.id },
          itemKey: f.itemKey,
          strategy: f.strategy,
          prompt: task.templates.renderPrompt(fields),
        })) as JudgedResult;
        return { f, result };
      }),
    );
    if (options.signal?.aborted) break;
    const judged = results.filter((r) => r !== undefined);
    write(
      judged.map(({ f, result }) => ({
        trialId: f.trialId,
        scorerId: f.scorerId,
        value: result.value,
        explanation: result.explanation,
        judgments: result.judgments,
      })),
    );
    putCache?.(judged.flatMap(({ result }) => result.cacheEntries));
    done += judged.length;
  }
  return done;
}
