-- Identity, organisations, sessions, API tokens, audit, rate limits, idempotency, outbox.
-- Times are BIGINT milliseconds since the Unix epoch on both engines.

CREATE TABLE users (
    id            @UUID PRIMARY KEY,
    username      TEXT UNIQUE,
    mobile        TEXT UNIQUE,
    email         TEXT UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    lang          TEXT NOT NULL DEFAULT 'zh-CN',
    status        TEXT NOT NULL DEFAULT 'active',
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    last_login_at BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE orgs (
    id          @UUID PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('platform', 'supplier', 'buyer')),
    name        TEXT NOT NULL,
    credit_code TEXT,
    status      TEXT NOT NULL DEFAULT 'active',
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX orgs_kind ON orgs (kind, name);
CREATE UNIQUE INDEX orgs_credit_code ON orgs (kind, credit_code);

CREATE TABLE memberships (
    org_id     @UUID NOT NULL REFERENCES orgs (id),
    user_id    @UUID NOT NULL REFERENCES users (id),
    role       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, user_id, role)
);
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE sessions (
    token  TEXT PRIMARY KEY,
    data   @BLOB NOT NULL,
    expiry BIGINT NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expiry);

CREATE TABLE api_tokens (
    id           @UUID PRIMARY KEY,
    org_id       @UUID NOT NULL REFERENCES orgs (id),
    user_id      @UUID NOT NULL REFERENCES users (id),
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    hash         TEXT NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL DEFAULT 0,
    last_used_at BIGINT NOT NULL DEFAULT 0,
    revoked_at   BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX api_tokens_org ON api_tokens (org_id, created_at);

CREATE TABLE audit_log (
    seq         @SERIAL,
    at          BIGINT NOT NULL,
    actor_id    TEXT NOT NULL DEFAULT '',
    actor_name  TEXT NOT NULL DEFAULT '',
    org_id      TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL DEFAULT '',
    object_id   TEXT NOT NULL DEFAULT '',
    ip          TEXT NOT NULL DEFAULT '',
    user_agent  TEXT NOT NULL DEFAULT '',
    request_id  TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_action ON audit_log (action, at);

CREATE TABLE rate_limits (
    key          TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    hits         BIGINT NOT NULL
);

CREATE TABLE idempotency_keys (
    scope           TEXT NOT NULL,
    key             TEXT NOT NULL,
    request_hash    TEXT NOT NULL,
    state           TEXT NOT NULL,
    response_status BIGINT NOT NULL DEFAULT 0,
    response_type   TEXT NOT NULL DEFAULT '',
    response_body   @BLOB,
    created_at      BIGINT NOT NULL,
    locked_until    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

CREATE TABLE outbox (
    seq          @SERIAL,
    topic        TEXT NOT NULL,
    aggregate_id TEXT NOT NULL,
    payload      TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL
);

CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
