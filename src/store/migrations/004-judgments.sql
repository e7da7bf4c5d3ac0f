-- assay store, schema version 4: autoraters. A judge is named exactly by a hash over its
-- rubric template, its model (with the weights' hash for a local model) and its parameters;
-- every judge call is stored with the prompt it saw, its raw reply and how it was read.

CREATE TABLE judges (
  id        INTEGER PRIMARY KEY,
  run_id    INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  sha256    TEXT NOT NULL,              -- over rubric template, model identity, parameters
  model     TEXT NOT NULL,              -- the judge model as given (spec or named model)
  provider  TEXT NOT NULL,              -- its provider's canonical id
  rubric    TEXT NOT NULL,              -- built-in name or file
  template  TEXT NOT NULL,              -- sha256 of the rubric template
  params    TEXT NOT NULL,              -- options and generation parameters (JSON)
  UNIQUE (run_id, sha256)
);

-- Pointwise judgments: one row per judge sample of a trial's score.
CREATE TABLE judgments (
  trial_id      INTEGER NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
  scorer_id     INTEGER NOT NULL REFERENCES scorers(id) ON DELETE CASCADE,
  sample        INTEGER NOT NULL,       -- 0..samples-1
  judge_id      INTEGER NOT NULL REFERENCES judges(id) ON DELETE CASCADE,
  prompt        TEXT NOT NULL,          -- the rendered judge prompt, as sent
  system        TEXT,
  reply         TEXT,                   -- the raw reply; NULL when the call failed
  finish_reason TEXT,
  verdict       TEXT,                   -- as written ("4", "correct"); NULL when unreadable
  score         REAL,                   -- on the rubric's scale (weighted if asked); NULL when unreadable
  reasoning     TEXT,
  distribution  TEXT,                   -- verdict -> probability (JSON), from log-probs or likelihoods
  weighting     TEXT,                   -- logprobs | likelihood | parsed (why log-probs were not used)
  status        TEXT NOT NULL CHECK (status IN ('ok', 'unparsed', 'schema', 'out-of-range', 'truncated', 'error')),
  error         TEXT,                   -- status error: the provider's failure after retries
  neutralised   INTEGER NOT NULL,       -- 1: fence markers or headers in untrusted text were neutralised
  cached        INTEGER NOT NULL,
  attempts      INTEGER NOT NULL,
  latency_ms    REAL,
  input_tokens  INTEGER,
  output_tokens INTEGER,
  cost_usd      REAL,
  PRIMARY KEY (trial_id, scorer_id, sample)
) WITHOUT ROWID;

-- Pairwise judgments: two trials of the same item (different contestants), one row per
-- order and sample. A is the response shown first.
CREATE TABLE pair_judgments (
  scorer_id     INTEGER NOT NULL REFERENCES scorers(id) ON DELETE CASCADE,
  trial_a       INTEGER NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
  trial_b       INTEGER NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
  sample        INTEGER NOT NULL,
  judge_id      INTEGER NOT NULL REFERENCES judges(id) ON DELETE CASCADE,
  prompt        TEXT NOT NULL,
  system        TEXT,
  reply         TEXT,
  finish_reason TEXT,
  verdict       TEXT CHECK (verdict IN ('A', 'B', 'tie')),  -- as written, A = trial_a (shown first)
  reasoning     TEXT,
  status        TEXT NOT NULL CHECK (status IN ('ok', 'unparsed', 'schema', 'out-of-range', 'truncated', 'error')),
  error         TEXT,
  neutralised   INTEGER NOT NULL,
  cached        INTEGER NOT NULL,
  attempts      INTEGER NOT NULL,
  latency_ms    REAL,
  input_tokens  INTEGER,
  output_tokens INTEGER,
  cost_usd      REAL,
  PRIMARY KEY (scorer_id, trial_a, trial_b, sample)
) WITHOUT ROWID;

-- best-of-n: each sample's score under the selecting scorer (NULL: unscored, or not best-of-n).
ALTER TABLE generations ADD COLUMN selection REAL;
