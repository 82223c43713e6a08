-- Timed work (auto-confirm receipt, dispute escalation, campaign end, credential expiry)
-- as rows: any node claims a due job with a lease, runs it and marks it done, so the work
-- survives restarts and runs once across nodes. A lease that runs out (its node died)
-- makes the job claimable again.

CREATE TABLE jobs (
    id           @UUID PRIMARY KEY,
    kind         TEXT NOT NULL,
    unique_key   TEXT NOT NULL DEFAULT '',
    payload      TEXT NOT NULL DEFAULT 'null',
    run_at       BIGINT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done', 'failed', 'cancelled')),
    attempts     BIGINT NOT NULL DEFAULT 0,
    max_attempts BIGINT NOT NULL DEFAULT 5,
    locked_by    TEXT NOT NULL DEFAULT '',
    locked_until BIGINT NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
-- Claiming: due pending jobs by run_at, and running jobs whose lease ran out.
CREATE INDEX jobs_claim ON jobs (state, run_at);
-- At most one pending job per (kind, key); scheduling it again reschedules that one.
CREATE UNIQUE INDEX jobs_pending_key ON jobs (kind, unique_key) WHERE state = 'pending' AND unique_key <> '';
