-- Search: the query log (hot terms, zero-result report, clicked positions) and the
-- synonyms ops manage. The outbox gains an index for pruning by age.

CREATE INDEX outbox_created ON outbox (created_at);

CREATE TABLE search_log (
    id         TEXT PRIMARY KEY,
    at         BIGINT NOT NULL,
    q          TEXT NOT NULL,
    norm       TEXT NOT NULL,
    category   TEXT NOT NULL DEFAULT '',
    filters    TEXT NOT NULL DEFAULT '',
    sort       TEXT NOT NULL DEFAULT '',
    page       BIGINT NOT NULL DEFAULT 1,
    total      BIGINT NOT NULL,
    took_us    BIGINT NOT NULL,
    source     TEXT NOT NULL DEFAULT 'web'
);
CREATE INDEX search_log_at ON search_log (at);
CREATE INDEX search_log_norm ON search_log (norm, at);

CREATE TABLE search_clicks (
    log_id     TEXT NOT NULL,
    position   BIGINT NOT NULL,
    product_id TEXT NOT NULL,
    at         BIGINT NOT NULL,
    PRIMARY KEY (log_id, position)
);
CREATE INDEX search_clicks_at ON search_clicks (at);

CREATE TABLE search_synonyms (
    id         @UUID PRIMARY KEY,
    terms      TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
