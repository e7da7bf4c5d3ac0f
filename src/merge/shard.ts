// Which items a shard of a run takes: `--shard I/N` (I in 1..N) keeps the items whose stable
// hash of (suite, task, item key) is I - 1 modulo N, the same on every machine and in any file order.
import { UserError } from "../errors.ts";
import { shardOf } from "../item-shard.ts";

export { shardOf };

/** Shard `index` (1-based) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

/** Parse `I/N` (whole numbers, 1 <= I <= N); a UserError naming `shown` otherwise. */
export function parseShard(text: string, shown = "--shard"): Shard {
  const m = /^\s*(\d{1,9})\s*\/\s*(\d{1,9})\s*$/.exec(text);
  const index = m ? Number(m[1]) : Number.NaN;
  const count = m ? Number(m[2]) : Number.NaN;
  if (!m || count < 1 || index < 1 || index > count) {
    throw new UserError(
      `${shown} must be I/N with whole numbers 1 <= I <= N (shards are numbered from 1; from a 0-based index use $((INDEX+1))/N), got ${JSON.stringify(text)}`,
      { code: "E_OPTION" },
    );
  }
  return { index, count };
}

/** `I/N`, as recorded and shown. */
export function formatShard(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}

/** Whether shard `shard` runs the item (every item when there is no shard). */
export function inShard(shard: Shard | undefined, suite: string, task: string, itemKey: string): boolean {
  return shard === undefined || shard.count === 1 || shardOf(suite, task, itemKey, shard.count) === shard.index;
}

/**
 * The shard a run recorded in its command (`"shard": "I/N"`), or undefined. Read here from
 * the raw JSON because store/runs.ts's RecordedCommand does not carry it.
 */
export function recordedShard(run: { id: number; command: string }): Shard | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(run.command);
  } catch {
    return undefined;
  }
  const value = raw !== null && typeof raw === "object" ? (raw as { shard?: unknown }).shard : undefined;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string")
    throw new UserError(`run ${run.id}: recorded command field "shard" is not a string`, { code: "E_DB_CORRUPT" });
  return parseShard(value, `run ${run.id}: recorded shard`);
}
