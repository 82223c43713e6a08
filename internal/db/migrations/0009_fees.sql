-- Platform fees: platform fee, commission (per category) and advertising fee. Zero by
-- default; ops set rules with effective dates. Rules are append-only: a change is a new
-- rule from a later date, so the fee in force at any past moment can be told.

CREATE TABLE fee_rules (
    id             @UUID PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('platform_fee', 'commission', 'ad_fee')),
    category_id    TEXT NOT NULL DEFAULT '',
    rate_bp        BIGINT NOT NULL DEFAULT 0 CHECK (rate_bp >= 0 AND rate_bp <= 10000),
    fixed_fen      BIGINT NOT NULL DEFAULT 0 CHECK (fixed_fen >= 0),
    effective_from BIGINT NOT NULL,
    note           TEXT NOT NULL DEFAULT '',
    created_by     TEXT NOT NULL,
    created_at     BIGINT NOT NULL
);
CREATE INDEX fee_rules_lookup ON fee_rules (kind, category_id, effective_from);
