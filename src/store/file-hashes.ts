// Remembered content hashes of files (a local model's weights), keyed by path, size and
// mtime: a file is hashed again only when one of them changes.

import type { Db } from "./db.ts";

/** A file as fs.statSync describes it: absolute path, size in bytes, mtimeMs. */
export interface FileStamp {
  path: string;
  size: number;
  mtimeMs: number;
}

/** The sha256 remembered for this exact (path, size, mtimeMs), or undefined. */
export function rememberedFileHash(db: Db, file: FileStamp): string | undefined {
  return db
    .prepare("SELECT sha256 FROM file_hashes WHERE path = ? AND size = ? AND mtime_ms = ?")
    .pluck()
    .get(file.path, file.size, file.mtimeMs) as string | undefined;
}

/** Remember a file's sha256 (replacing what was remembered for its path). */
export function rememberFileHash(db: Db, file: FileStamp & { sha256: string }): void {
  db.prepare("INSERT OR REPLACE INTO file_hashes (path, size, mtime_ms, sha256, hashed_at) VALUES (?, ?, ?, ?, ?)").run(
    file.path,
    file.size,
    file.mtimeMs,
    file.sha256,
    new Date().toISOString(),
  );
}
