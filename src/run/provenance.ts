// What exactly produced a run's numbers: suite files and versions, template hashes, and
// the content hash of every local model's weights (which also keys the response cache).
import { createHash } from "node:crypto";
import { createReadStream, readFileSync, statSync } from "node:fs";
import type { Provider } from "../provider/types.ts";
import type { Db } from "../store/db.ts";
import type { FileStamp } from "../store/file-hashes.ts";
import type { ModelWeights } from "../store/runs.ts";
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
    const bytes = t.file
      ? readFileSync(t.file, "utf8")
      : JSON.stringify({ ...t, readItems: undefined, loadedExemplars: undefined, items: undefined });
    suites.set(t.suite, { suite: t.suite, version: t.suiteVersion, path: t.file ?? "(code)", sha256: sha256(bytes) });
  }
  const templates = new Map<string, string>();
  for (const t of tasks) {
    templates.set(`task:${t.suite}/${t.id}:prompt`, sha256(t.prompt));
    if (t.target !== undefined) templates.set(`task:${t.suite}/${t.id}:target`, sha256(t.target));
    for (const s of t.strategies) {
      const strategy = strategies[s.kind];
      const name = strategy.templateOf ? strategy.templateOf(s.options) : strategy.template;
      templates.set(name, bundledTemplate(name).sha256);
    }
  }
  insertRunProvenance(
    db,
    runId,
    [...suites.values()],
    [...templates].map(([name, hash]) => ({ name, sha256: hash })),
  );
}

/** Remembers file hashes between runs (the store's file_hashes table). */
export interface HashMemo {
  get(file: FileStamp): string | undefined;
  set(file: FileStamp & { sha256: string }): void;
}

/** Hashes computed by this process (a GGUF can be gigabytes: hash it once per process). */
const processMemo = new Map<string, string>();

/**
 * The content hash of a weights file, computed once and remembered by path, size and
 * modification time (in this process, and across runs in `memo`).
 */
export async function weightsIdentity(path: string, memo?: HashMemo): Promise<ModelWeights> {
  const stat = statSync(path);
  const file = { path, size: stat.size, mtimeMs: stat.mtimeMs };
  const key = `${path}\u0000${stat.size}\u0000${stat.mtimeMs}`;
  let hash = processMemo.get(key) ?? memo?.get(file);
  if (!hash) {
    const digest = createHash("sha256");
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) digest.update(chunk as Buffer);
    hash = digest.digest("hex");
    memo?.set({ ...file, sha256: hash });
  }
  processMemo.set(key, hash);
  return { ...file, sha256: hash };
}

/**
 * A provider's response-cache identity: its id, plus for a local model its weights' hash, its
 * inference settings and its draft model's hash. Settings are evaluation variables: a run with
 * other threads or another draft model measures its own latency rather than reusing a cached one.
 */
export function cacheIdentity(provider: Provider, weights?: ModelWeights, draft?: ModelWeights): string {
  let id = weights ? `${provider.id}#sha256:${weights.sha256}` : provider.id;
  if (provider.settings) id += `#settings:${JSON.stringify(provider.settings)}`;
  if (draft) id += `#draft:${draft.sha256}`;
  return id;
}
