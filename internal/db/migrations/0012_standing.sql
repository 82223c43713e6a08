-- Supplier standing: penalties with appeals, rewards, and removal (清退). Every record is
-- kept; a penalty's state changes, its facts do not.

CREATE TABLE supplier_penalties (
    id            @UUID PRIMARY KEY,
    org_id        @UUID NOT NULL REFERENCES orgs (id),
    kind          TEXT NOT NULL CHECK (kind IN ('warning', 'restriction', 'deduction', 'suspension')),
    reason        TEXT NOT NULL,
    amount        BIGINT NOT NULL DEFAULT 0,
    until_at      BIGINT NOT NULL DEFAULT 0,
    state         TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    appeal        TEXT NOT NULL DEFAULT '',
    appealed_at   BIGINT NOT NULL DEFAULT 0,
    decided_by    TEXT NOT NULL DEFAULT '',
    decided_at    BIGINT NOT NULL DEFAULT 0,
    decision_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX supplier_penalties_org ON supplier_penalties (org_id, created_at);

CREATE TABLE supplier_rewards (
    id         @UUID PRIMARY KEY,
    org_id     @UUID NOT NULL REFERENCES orgs (id),
    kind       TEXT NOT NULL CHECK (kind IN ('commendation', 'boost')),
    reason     TEXT NOT NULL,
    until_at   BIGINT NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX supplier_rewards_org ON supplier_rewards (org_id, created_at);
