// `assay merge`: join the shards of one run (each run with `--shard I/N`, maybe on another
// machine) into one run whose summaries are those of the run done on one machine.
import { createHash } from "node:crypto";
import { existsSync, realpathSync } from "node:fs";
import { resolve } from "node:path";
import { UserError, ValidationError } from "../errors.ts";
import { latestSchemaVersion, openStore, schemaVersion, type Db } from "../store/db.ts";
import { findMergedRun, runIdentity, writeMergedRun, type RunIdentity, type ShardSource } from "../store/merge.ts";
import { listRuns, storedTrialCount, type RunRow } from "../store/runs.ts";
import { storeError } from "../store/store-error.ts";
import { formatShard, recordedShard, type Shard } from "./shard.ts";

/** What to merge: shard stores into `out` (created when missing). */
export interface MergeOptions {
  out: string;
  inputs: string[];
  cwd?: string;
}

export interface MergeResult {
  /** The merged run in `out`. */
  runId: number;
  db: string;
  shards: number;
  trials: number;
  /** False when `out` already held this merge (nothing was written). */
  created: boolean;
}

/** One input: its file, its newest sharded run, and what identifies that run. */
interface ShardInput extends ShardSource {
  path: string;
  shown: string;
  shard: Shard;
  command: Record<string, unknown>;
  identity: RunIdentity;
}

/**
 * Merge the newest sharded run of each input store into one run in `out`. The shards must be
 * one run (same suites and hashes, tasks, models and weights, seed, strategies, scorers,
 * judges, items; shards 1..N each once; every shard finished): otherwise a ValidationError
 * naming each difference, and nothing is written. Merging the same shards again changes nothing.
 */
export function mergeShards(options: MergeOptions): MergeResult {
  const cwd = options.cwd ?? process.cwd();
  const out = resolve(cwd, options.out);
  if (options.inputs.length === 0) throw new UserError("give the shard databases to merge", { code: "E_OPTION" });
  const opened: Db[] = [];
  try {
    const inputs = options.inputs.map((given) => {
      const path = resolve(cwd, given);
      if (!existsSync(path)) throw new UserError("database not found", { location: given, code: "E_MERGE" });
      if (existsSync(out) && realpathSync(path) === realpathSync(out))
        throw new UserError("is both a shard and --out; merge into another file", { location: given, code: "E_MERGE" });
      const db = openStore(path, { readonly: true });
      opened.push(db);
      return readInput(db, path, given);
    });
    const shards = checkShards(inputs);
    const key = mergeKey(shards);
    const outDb = openStore(out);
    opened.push(outDb);
    try {
      const existing = findMergedRun(outDb, key);
      if (existing !== undefined)
        return { runId: existing, db: out, shards: shards.length, trials: storedTrialCount(outDb, existing), created: false };
      const first = shards[0];
      const { shard: _dropped, ...command } = first.command;
      const runId = writeMergedRun(
        outDb,
        {
          createdAt: shards.map((s) => s.run.created_at).sort()[0],
          finishedAt: shards.map((s) => s.run.finished_at ?? s.run.created_at).sort()[shards.length - 1],
          assayVersion: first.run.assay_version,
          seed: first.run.seed,
          command: { ...command, shards: shards.length, mergedFrom: key },
          nodeVersion: (first.run as RunRow & { node_version?: string }).node_version ?? process.version,
        },
        shards,
      );
      return { runId, db: out, shards: shards.length, trials: storedTrialCount(outDb, runId), created: true };
    } catch (error) {
      throw storeError(error, out);
    }
  } finally {
    for (const db of opened) db.close();
  }
}

function readInput(db: Db, path: string, shown: string): ShardInput {
  try {
    if (schemaVersion(db) !== latestSchemaVersion())
      throw new UserError(
        `has store schema ${schemaVersion(db)}, this assay writes ${latestSchemaVersion()}; run every shard with the same assay version`,
        { location: shown, code: "E_MERGE" },
      );
    const run = listRuns(db).find((r) => recordedShard(r) !== undefined);
    if (!run) throw new UserError("holds no sharded run (assay run --shard I/N)", { location: shown, code: "E_MERGE" });
    return {
      db,
      run,
      path,
      shown,
      shard: recordedShard(run)!,
      command: JSON.parse(run.command) as Record<string, unknown>,
      identity: runIdentity(db, run.id),
    };
  } catch (error) {
    throw storeError(error, path);
  }
}

/** The shards sorted by index, or a ValidationError listing every way they are not one run. */
function checkShards(inputs: ShardInput[]): ShardInput[] {
  const problems: string[] = [];
  const name = (s: ShardInput) => `${s.shown} (run ${s.run.id}, shard ${formatShard(s.shard)})`;
  const sorted = [...inputs].sort((a, b) => a.shard.index - b.shard.index);
  const ref = sorted[0];
  for (const s of inputs) {
    if (s.run.status !== "done")
      problems.push(
        `${name(s)} is ${s.run.status}${s.run.stop_reason ? ` (${s.run.stop_reason})` : ""}: finish it first (assay run --resume ${s.run.id} --db ${s.shown})`,
      );
    if (s.identity.reviewQueues > 0)
      problems.push(`${name(s)} has review queues: make them on the merged run instead (assay review ... on the merged store)`);
    if (s === ref) continue;
    const differs = (what: string, a: unknown, b: unknown) => {
      if (JSON.stringify(a) !== JSON.stringify(b))
        problems.push(`${name(s)} differs from ${name(ref)} in ${what}: ${JSON.stringify(b)} here, ${JSON.stringify(a)} there`);
    };
    differs("shard count", ref.shard.count, s.shard.count);
    differs("seed", ref.run.seed, s.run.seed);
    differs("assay version", ref.run.assay_version, s.run.assay_version);
    for (const field of ["select", "models", "limit", "judgeModel"]) differs(`--${flag(field)}`, ref.command[field], s.command[field]);
    const lists: [string, keyof RunIdentity][] = [
      ["suites (suite, version, sha256)", "suites"],
      ["templates (name, sha256)", "templates"],
      ["models (spec, provider, weights sha256)", "models"],
      ["tasks (suite, task, definition sha256)", "tasks"],
      ["strategies", "strategies"],
      ["scorers", "scorers"],
      ["judges", "judges"],
    ];
    for (const [what, field] of lists) {
      const a = ref.identity[field] as string[];
      const b = s.identity[field] as string[];
      const onlyHere = b.filter((x) => !a.includes(x));
      const onlyThere = a.filter((x) => !b.includes(x));
      if (onlyHere.length || onlyThere.length)
        problems.push(
          `${name(s)} differs from ${name(ref)} in ${what}:${onlyHere.length ? ` only here ${onlyHere.slice(0, 3).join(", ")}` : ""}${onlyThere.length ? ` only there ${onlyThere.slice(0, 3).join(", ")}` : ""}`,
        );
    }
    for (const [task, digest] of s.identity.items) {
      const there = ref.identity.items.get(task);
      if (there !== undefined && there !== digest)
        problems.push(`${name(s)} differs from ${name(ref)} in the items of ${task}: ${digest} here, ${there} there`);
    }
  }
  const count = ref.shard.count;
  const byIndex = new Map<number, ShardInput[]>();
  for (const s of inputs) byIndex.set(s.shard.index, [...(byIndex.get(s.shard.index) ?? []), s]);
  for (const [index, same] of byIndex)
    if (same.length > 1) problems.push(`shard ${index}/${count} is given ${same.length} times: ${same.map(name).join(", ")}`);
  if (inputs.every((s) => s.shard.count === count)) {
    const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
    if (missing.length) problems.push(`shard${missing.length > 1 ? "s" : ""} ${missing.map((i) => `${i}/${count}`).join(", ")} missing`);
  }
  if (problems.length) throw new ValidationError(["these are not the shards of one run:", ...problems]);
  return sorted;
}

function flag(field: string): string {
  return field === "select" ? "selectors" : field === "models" ? "model" : field === "judgeModel" ? "judge-model" : field;
}

/** What names this merge: the shards' runs (index, start time, id, seed), so merging them again is recognised. */
function mergeKey(shards: ShardInput[]): string {
  const parts = shards.map((s) => [s.shard.index, s.shard.count, s.run.created_at, s.run.id, s.run.seed]);
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex");
}
