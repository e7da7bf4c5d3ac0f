-- assay store, schema version 5: human review. Raters sign in with a token stored only as a
-- hash; a queue snapshots what the form shows (so serving needs no suite files); a claim is one
-- rater's hold on one queue item (reserved, rated, skipped, or released when a reservation ran out); ratings are append-only: an
-- undo or an edit is a new row that supersedes an older one.

CREATE TABLE review_raters (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  token_sha256  TEXT NOT NULL UNIQUE,   -- hex sha256 of the sign-in token; the token is never stored
  created_at    TEXT NOT NULL,
  removed_at    TEXT                    -- a removed rater cannot sign in; their ratings stay
);

CREATE TABLE review_sessions (
  id_sha256   TEXT PRIMARY KEY,         -- hex sha256 of the session cookie's value
  rater_id    INTEGER NOT NULL REFERENCES review_raters(id) ON DELETE CASCADE,
  csrf        TEXT NOT NULL,            -- the session's CSRF token (random, sent in every form)
  created_at  TEXT NOT NULL,
  expires_at  INTEGER NOT NULL          -- ms since the epoch
);

CREATE TABLE review_queues (
  id              INTEGER PRIMARY KEY,
  name            TEXT NOT NULL UNIQUE,
  run_id          INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  mode            TEXT NOT NULL CHECK (mode IN ('pointwise', 'pairwise')),
  raters_per_item INTEGER NOT NULL,
  reservation_ms  INTEGER NOT NULL,
  rubric          TEXT NOT NULL,        -- the ReviewRubric shown beside each item (JSON)
  options         TEXT NOT NULL,        -- how it was made: selectors, policy, limit, seed, gold file and its sha256 (JSON)
  seed            TEXT NOT NULL,        -- orders the queue and the pairwise sides per rater
  items           INTEGER NOT NULL,     -- queue items that are not gold
  rated           INTEGER NOT NULL DEFAULT 0,  -- current ratings of items that are not gold (kept in step by every write)
  created_at      TEXT NOT NULL
);

-- One thing to rate: an output (pointwise) or two outputs of one item (pairwise), or a gold
-- item whose right rating is known. What the form shows is copied here at creation.
CREATE TABLE review_items (
  id              INTEGER PRIMARY KEY,
  queue_id        INTEGER NOT NULL REFERENCES review_queues(id) ON DELETE CASCADE,
  position        INTEGER NOT NULL,     -- the order raters are given items in
  task_id         INTEGER REFERENCES tasks(id) ON DELETE CASCADE,
  item_id         INTEGER REFERENCES items(id) ON DELETE CASCADE,
  trial_a         INTEGER REFERENCES trials(id) ON DELETE CASCADE,  -- NULL for a gold item written out in the gold file
  trial_b         INTEGER REFERENCES trials(id) ON DELETE CASCADE,  -- pairwise only
  input           TEXT NOT NULL,
  reference       TEXT,
  output_a        TEXT NOT NULL,
  output_b        TEXT,
  gold            INTEGER NOT NULL DEFAULT 0,
  gold_score      REAL,
  gold_preference TEXT CHECK (gold_preference IN ('A', 'B', 'tie')),  -- A = output_a
  needed          INTEGER NOT NULL,     -- raters wanted (K; every rater for a gold item)
  taken           INTEGER NOT NULL DEFAULT 0,  -- claims that hold a slot: live reservations and ratings
  UNIQUE (queue_id, position)
);
CREATE INDEX review_items_open ON review_items (queue_id, position) WHERE taken < needed;

CREATE TABLE review_claims (
  item_id      INTEGER NOT NULL REFERENCES review_items(id) ON DELETE CASCADE,
  rater_id     INTEGER NOT NULL REFERENCES review_raters(id) ON DELETE CASCADE,
  state        TEXT NOT NULL CHECK (state IN ('reserved', 'rated', 'skipped', 'released')),  -- released: a reservation that ran out
  shown_at     INTEGER NOT NULL,        -- ms since the epoch: when the item was last handed out
  expires_at   INTEGER,                 -- a reservation's end; NULL once rated or skipped
  swapped      INTEGER NOT NULL,        -- pairwise: 1 = output_b was shown first (as A)
  PRIMARY KEY (item_id, rater_id)
);
CREATE INDEX review_claims_expiry ON review_claims (expires_at) WHERE state = 'reserved';
CREATE INDEX review_claims_rater ON review_claims (rater_id, state);

CREATE TABLE review_ratings (
  id           INTEGER PRIMARY KEY,
  item_id      INTEGER NOT NULL REFERENCES review_items(id) ON DELETE CASCADE,
  rater_id     INTEGER NOT NULL REFERENCES review_raters(id) ON DELETE CASCADE,
  kind         TEXT NOT NULL CHECK (kind IN ('rating', 'retraction')),
  score        REAL,                    -- pointwise rating on the rubric's scale
  preference   TEXT CHECK (preference IN ('A', 'B', 'tie')),  -- pairwise, as shown: A = the side shown first
  first_trial  INTEGER,                 -- pairwise: the trial shown first (A)
  swapped      INTEGER,                 -- pairwise: 1 = output_b was shown first
  comment      TEXT,
  ms_on_page   INTEGER,
  created_at   TEXT NOT NULL,
  supersedes   INTEGER REFERENCES review_ratings(id)
);
CREATE INDEX review_ratings_item ON review_ratings (item_id, rater_id, id);
CREATE INDEX review_ratings_rater ON review_ratings (rater_id, id);
