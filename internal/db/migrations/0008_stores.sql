-- Supplier stores (店铺): the profile shown to buyers, with the business-licence
-- information 电子商务法 art. 15 requires, and the homepage decoration as a draft the
-- supplier edits and a published version buyers see.

CREATE TABLE stores (
    org_id          @UUID PRIMARY KEY REFERENCES orgs (id),
    name            TEXT NOT NULL,
    logo_blob       TEXT NOT NULL DEFAULT '',
    intro           TEXT NOT NULL DEFAULT '',
    capability      TEXT NOT NULL DEFAULT '',
    certificates    TEXT NOT NULL DEFAULT '',
    phone           TEXT NOT NULL DEFAULT '',
    qq              TEXT NOT NULL DEFAULT '',
    draft_modules   TEXT NOT NULL DEFAULT '[]',
    live_modules    TEXT NOT NULL DEFAULT '[]',
    taken_down      BOOLEAN NOT NULL DEFAULT FALSE,
    takedown_reason TEXT NOT NULL DEFAULT '',
    published_at    BIGINT NOT NULL DEFAULT 0,
    updated_at      BIGINT NOT NULL,
    version         BIGINT NOT NULL DEFAULT 1
);
