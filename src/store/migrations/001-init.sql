-- assay store, schema version 1. One row per thing; JSON only for opaque definitions
-- that are recorded for traceability and never queried.

CREATE TABLE runs (
  id            INTEGER PRIMARY KEY,
  created_at    TEXT NOT NULL,
  finished_at   TEXT,
  status        TEXT NOT NULL CHECK (status IN ('running', 'done', 'interrupted')),
  assay_version TEXT NOT NULL,
  seed          INTEGER NOT NULL,
  command       TEXT NOT NULL,          -- the options the run was started with (JSON), for --resume
  node_version  TEXT NOT NULL
);

CREATE TABLE run_suites (
  run_id   INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  suite    TEXT NOT NULL,
  version  TEXT NOT NULL,
  path     TEXT NOT NULL,
  sha256   TEXT NOT NULL,               -- hash of the suite file's bytes
  PRIMARY KEY (run_id, suite)
);

CREATE TABLE run_templates (
  run_id   INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  name     TEXT NOT NULL,               -- e.g. strategies/few-shot.hbs, or task:arith/add prompt
  sha256   TEXT NOT NULL,
  PRIMARY KEY (run_id, name)
);

CREATE TABLE models (
  id       INTEGER PRIMARY KEY,
  run_id   INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  spec     TEXT NOT NULL,               -- as given: echo, replay:x.jsonl, local:demo, flash
  provider TEXT NOT NULL,               -- the provider's canonical id
  UNIQUE (run_id, spec)
);

CREATE TABLE tasks (
  id          INTEGER PRIMARY KEY,
  run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  suite       TEXT NOT NULL,
  task        TEXT NOT NULL,
  definition  TEXT NOT NULL,            -- the validated task definition (JSON)
  sha256      TEXT NOT NULL,
  UNIQUE (run_id, suite, task)
);

CREATE TABLE strategies (
  id        INTEGER PRIMARY KEY,
  task_id   INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
  name      TEXT NOT NULL,              -- label shown in reports, unique within a task
  kind      TEXT NOT NULL,              -- zero-shot, few-shot, chain-of-thought, self-consistency
  params    TEXT NOT NULL,              -- strategy options and generation parameters (JSON)
  UNIQUE (task_id, name)
);

CREATE TABLE scorers (
  id        INTEGER PRIMARY KEY,
  task_id   INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
  name      TEXT NOT NULL,
  args      TEXT NOT NULL,              -- {name, args} to rebuild the scorer (JSON)
  binary    INTEGER NOT NULL,           -- 1: pass/fail values, Wilson interval
  corpus    INTEGER NOT NULL,           -- 1: corpus-level aggregate of summed stats
  UNIQUE (task_id, name)
);

CREATE TABLE items (
  id        INTEGER PRIMARY KEY,
  task_id   INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
  item_key  TEXT NOT NULL,              -- the item's id field, or its 1-based line number
  cluster   TEXT,
  fields    TEXT NOT NULL,              -- the dataset row (JSON)
  UNIQUE (task_id, item_key)
);

-- Rendered prompts, numbered in the order they are written. A prompt repeated within a
-- run (across models, samples, self-consistency generations) is stored once: the writer
-- remembers the ids of recently written prompts. There is deliberately no index on the
-- text or a hash of it: hashes arrive in random order, and keeping such an index made
-- every write transaction touch hundreds of scattered pages (4-5x slower writes).
CREATE TABLE prompts (
  id        INTEGER PRIMARY KEY,
  text      TEXT NOT NULL,
  system    TEXT
);

CREATE TABLE trials (
  id            INTEGER PRIMARY KEY,
  item_id       INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
  strategy_id   INTEGER NOT NULL REFERENCES strategies(id) ON DELETE CASCADE,
  model_id      INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
  sample        INTEGER NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('done', 'error')),
  output        TEXT,                   -- raw output (self-consistency: the voted sample's)
  answer        TEXT,                   -- extracted answer; NULL when none could be extracted
  error         TEXT,
  latency_ms    REAL,
  input_tokens  INTEGER,
  output_tokens INTEGER,
  cost_usd      REAL,
  UNIQUE (item_id, strategy_id, model_id, sample)
);

CREATE TABLE generations (
  trial_id      INTEGER NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
  idx           INTEGER NOT NULL,       -- 0..k-1 within the trial (self-consistency samples)
  prompt_id     INTEGER NOT NULL REFERENCES prompts(id),
  output        TEXT,
  answer        TEXT,
  finish_reason TEXT,
  seed          INTEGER,
  cached        INTEGER NOT NULL,
  attempts      INTEGER NOT NULL,
  latency_ms    REAL,
  input_tokens  INTEGER,
  output_tokens INTEGER,
  error         TEXT,
  PRIMARY KEY (trial_id, idx)
);

CREATE TABLE scores (
  trial_id    INTEGER NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
  scorer_id   INTEGER NOT NULL REFERENCES scorers(id) ON DELETE CASCADE,
  value       REAL,                     -- NULL: unscored (counted, never a pass or a fail)
  explanation TEXT,
  stats       TEXT,                     -- corpus metrics' sufficient statistics (JSON array)
  PRIMARY KEY (trial_id, scorer_id)
);

CREATE TABLE cache (
  key         TEXT PRIMARY KEY,         -- sha256 of provider id, parameters and prompt
  response    TEXT NOT NULL,            -- the Generation (JSON)
  created_at  TEXT NOT NULL
);
