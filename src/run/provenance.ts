// What exactly produced a run's numbers: suite files and versions, template hashes, and
// the content hash of every local model's weights (which also keys the response cache).
import { createHash } from "node:crypto";
import { createReadStream, readFileSync, statSync } from "node:fs";
import type { Provider } from "../provider/types.ts";
import type { Db } from "../store/db.ts";
import { insertRunProvenance } from "../store/runs.ts";
import { strategies } from "../strategy/index.ts";
import type { LoadedTask } from "../suite/types.ts";
import { bundledTemplate, sha256 } from "../template/env.ts";

/** Record the suites (version, file hash) and templates (hash) a run used. */
export function recordProvenance(db: Db, runId: number, tasks: LoadedTask[]): void {
  const suites = new Map<string, { suite: string; version: string; path: string; sha256: string }>();
  for (const t of tasks) {
    if (suites.has(t.suite)) continue;
    // A code-defined task has no file: hash its declaration (its items are covered by the task hash).
    const bytes = t.file ? readFileSync(t.file, "utf8") : JSON.stringify({ ...t, loadedItems: undefined, loadedExemplars: undefined, items: undefined });
    suites.set(t.suite, { suite: t.suite, version: t.suiteVersion, path: t.file ?? "(code)", sha256: sha256(bytes) });
  }
  const templates = new Map<string, string>();
  for (const t of tasks) {
    templates.set(`task:${t.suite}/${t.id}:prompt`, sha256(t.prompt));
    if (t.target !== undefined) templates.set(`task:${t.suite}/${t.id}:target`, sha256(t.target));
    for (const s of t.strategies) {
      const name = strategies[s.kind].template;
      templates.set(name, bundledTemplate(name).sha256);
    }
  }
  insertRunProvenance(db, runId, [...suites.values()], [...templates].map(([name, hash]) => ({ name, sha256: hash })));
}

/** A weights file as identified for a run. */
export interface WeightsIdentity {
  path: string;
  size: number;
  mtimeMs: number;
  sha256: string;
}

/** Where a file's hash is remembered between runs, keyed by path, size and modification time. */
export interface HashMemo {
  get(path: string, size: number, mtimeMs: number): string | undefined;
  set(path: string, size: number, mtimeMs: number, sha256: string): void;
}

/** Hashes computed by this process (a GGUF can be gigabytes: hash it once per process). */
const processMemo = new Map<string, string>();

/**
 * The content hash of a weights file, computed once and remembered by size and modification
 * time (in this process and in `memo`, the store's table, across runs).
 */
export async function weightsIdentity(path: string, memo?: HashMemo): Promise<WeightsIdentity> {
  const stat = statSync(path);
  const key = `${path}\u0000${stat.size}\u0000${stat.mtimeMs}`;
  let hash = processMemo.get(key) ?? memo?.get(path, stat.size, stat.mtimeMs);
  if (!hash) {
    const digest = createHash("sha256");
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) digest.update(chunk as Buffer);
    hash = digest.digest("hex");
    memo?.set(path, stat.size, stat.mtimeMs, hash);
  }
  processMemo.set(key, hash);
  return { path, size: stat.size, mtimeMs: stat.mtimeMs, sha256: hash };
}

/** Each provider's response-cache identity: its id, plus its weights' hash for local models. */
export async function cacheIdentities(providers: Provider[], memo?: HashMemo): Promise<{ cacheIds: string[]; weights: (WeightsIdentity | undefined)[] }> {
  const weights: (WeightsIdentity | undefined)[] = [];
  for (const p of providers) weights.push(p.weightsFile ? await weightsIdentity(p.weightsFile, memo) : undefined);
  return { cacheIds: providers.map((p, i) => (weights[i] ? `${p.id}#sha256:${weights[i]!.sha256}` : p.id)), weights };
}
