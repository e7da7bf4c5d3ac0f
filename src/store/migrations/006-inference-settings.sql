-- assay store, schema version 6: inference settings as evaluation variables. A model's
-- effective settings as its backend reports them, and per call the timing and token counts
-- that say what a setting bought: time to first token, prompt tokens actually evaluated
-- (input_tokens is what was submitted; the rest came from a reused prefix), and for
-- speculative decoding the draft tokens the target validated and those proposed.

-- JSON object, e.g. {"threads":1,"batch_size":512,"context_size":512,"flash_attention":false,
-- "prefix_cache":true,"parallel":1,"gpu":"off","draft":null}. NULL for remote models and older runs.
ALTER TABLE models ADD COLUMN settings TEXT;

ALTER TABLE trials ADD COLUMN ttft_ms REAL;             -- the first call's time to first token
ALTER TABLE trials ADD COLUMN prefill_tokens INTEGER;   -- summed over the trial's calls
ALTER TABLE trials ADD COLUMN draft_accepted INTEGER;
ALTER TABLE trials ADD COLUMN draft_proposed INTEGER;

ALTER TABLE generations ADD COLUMN ttft_ms REAL;
ALTER TABLE generations ADD COLUMN prefill_tokens INTEGER;
ALTER TABLE generations ADD COLUMN draft_accepted INTEGER;
ALTER TABLE generations ADD COLUMN draft_proposed INTEGER;

-- Every call, with the new measurements (the view of version 3, widened).
DROP VIEW calls;
CREATE VIEW calls AS
  SELECT g.trial_id, g.idx, g.prompt_id, g.output, g.answer, g.finish_reason, g.seed, g.cached, g.attempts,
         g.latency_ms, g.input_tokens, g.output_tokens, g.error,
         g.ttft_ms, g.prefill_tokens, g.draft_accepted, g.draft_proposed
  FROM generations g
  UNION ALL
  SELECT t.id, 0, t.prompt_id, t.output, t.answer, t.finish_reason, t.seed, t.cached, t.attempts,
         t.latency_ms, t.input_tokens, t.output_tokens, t.error,
         t.ttft_ms, t.prefill_tokens, t.draft_accepted, t.draft_proposed
  FROM trials t
  WHERE t.prompt_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM generations g WHERE g.trial_id = t.id);
