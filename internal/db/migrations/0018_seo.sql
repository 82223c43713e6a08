-- SEO: the queue of URLs waiting to be pushed to Baidu's link submission (普通收录), and
-- the push's shared state (outbox position, today's quota). Pushed URLs leave the queue;
-- refused ones stay, marked, for ops to see.

CREATE TABLE seo_push (
    url        TEXT PRIMARY KEY,
    state      TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'failed', 'rejected')),
    next_at    BIGINT NOT NULL,
    claim      TEXT NOT NULL DEFAULT '',
    attempts   BIGINT NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    queued_at  BIGINT NOT NULL
);
CREATE INDEX seo_push_due ON seo_push (state, next_at);
CREATE INDEX seo_push_claim ON seo_push (claim);

CREATE TABLE seo_push_state (
    id            BIGINT PRIMARY KEY CHECK (id = 1),
    cursor_seq    BIGINT NOT NULL,
    quota_day     TEXT NOT NULL DEFAULT '',
    remain        BIGINT NOT NULL DEFAULT 0,
    blocked_until BIGINT NOT NULL DEFAULT 0,
    updated_at    BIGINT NOT NULL
);
