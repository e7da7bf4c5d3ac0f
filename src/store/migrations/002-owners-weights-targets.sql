-- assay store, schema version 2: who is running a run (so a dead run can be told from a
-- live one), why a run stopped early, the weights a local model was loaded from, remembered
-- file hashes, and each item's rendered targets (for exports).

ALTER TABLE runs ADD COLUMN owner_host TEXT;       -- os.hostname() of the process running it
ALTER TABLE runs ADD COLUMN owner_pid INTEGER;     -- its process id on that host
ALTER TABLE runs ADD COLUMN heartbeat_ms INTEGER;  -- ms since the epoch, renewed every few seconds while it runs
ALTER TABLE runs ADD COLUMN stop_reason TEXT;      -- why a run stopped before its end (e.g. the disk was full)

-- A local model's weights (JSON: path, size, mtime_ms, sha256), so a run says exactly which
-- file produced its outputs. NULL for remote models and runs before version 2.
ALTER TABLE models ADD COLUMN weights TEXT;

-- The item's references as the run rendered them (JSON array). NULL before version 2.
ALTER TABLE items ADD COLUMN targets TEXT;

-- Content hashes of files, remembered by (path, size, mtime_ms) so a large file (a GGUF) is
-- hashed once and again only when it changes. One row per path: the latest hash.
CREATE TABLE file_hashes (
  path      TEXT PRIMARY KEY,                -- absolute path
  size      INTEGER NOT NULL,                -- bytes
  mtime_ms  REAL NOT NULL,                   -- fs.Stats.mtimeMs as read when hashing
  sha256    TEXT NOT NULL,
  hashed_at TEXT NOT NULL
);
