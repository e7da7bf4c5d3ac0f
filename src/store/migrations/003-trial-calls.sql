-- assay store, schema version 3: a trial with one provider call keeps that call on its own
-- row (which prompt, how it finished, its seed, whether it came from the cache, attempts);
-- `generations` keeps the calls of trials with several (self-consistency samples) or whose
-- raw output is not the trial's (log-likelihood records). One row and one index entry fewer
-- per trial, which is most of the store's write cost. The view `calls` gives every call of
-- every trial, whichever way it was stored.

ALTER TABLE trials ADD COLUMN prompt_id INTEGER REFERENCES prompts(id);
ALTER TABLE trials ADD COLUMN finish_reason TEXT;
ALTER TABLE trials ADD COLUMN seed INTEGER;
ALTER TABLE trials ADD COLUMN cached INTEGER;
ALTER TABLE trials ADD COLUMN attempts INTEGER;

-- Scores are small rows looked up by (trial, scorer): stored in their primary key's order
-- (WITHOUT ROWID), one b-tree instead of a table and an index.
CREATE TABLE scores_v3 (
  trial_id    INTEGER NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
  scorer_id   INTEGER NOT NULL REFERENCES scorers(id) ON DELETE CASCADE,
  value       REAL,                     -- NULL: unscored (counted, never a pass or a fail)
  explanation TEXT,
  stats       TEXT,                     -- corpus metrics' sufficient statistics (JSON array)
  PRIMARY KEY (trial_id, scorer_id)
) WITHOUT ROWID;
INSERT INTO scores_v3 (trial_id, scorer_id, value, explanation, stats) SELECT trial_id, scorer_id, value, explanation, stats FROM scores;
DROP TABLE scores;
ALTER TABLE scores_v3 RENAME TO scores;

CREATE VIEW calls AS
  SELECT g.trial_id, g.idx, g.prompt_id, g.output, g.answer, g.finish_reason, g.seed, g.cached, g.attempts,
         g.latency_ms, g.input_tokens, g.output_tokens, g.error
  FROM generations g
  UNION ALL
  SELECT t.id, 0, t.prompt_id, t.output, t.answer, t.finish_reason, t.seed, t.cached, t.attempts,
         t.latency_ms, t.input_tokens, t.output_tokens, t.error
  FROM trials t
  WHERE t.prompt_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM generations g WHERE g.trial_id = t.id);
