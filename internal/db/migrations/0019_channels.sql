-- Channel pages (频道页) that ops compose from modules, drafted and published like store
-- homepages, and campaigns (活动): a time window, a kind and badge, and the products ops
-- entered. A product in a campaign whose window holds now is boosted in search and shown
-- in campaign slots; nothing is written when a window opens or closes.

CREATE TABLE channels (
    id            @UUID PRIMARY KEY,
    slug          TEXT NOT NULL UNIQUE,
    title         TEXT NOT NULL,
    intro         TEXT NOT NULL DEFAULT '',
    image_blob    TEXT NOT NULL DEFAULT '',
    on_home       BOOLEAN NOT NULL DEFAULT FALSE,
    sort          BIGINT NOT NULL DEFAULT 0,
    draft_modules TEXT NOT NULL DEFAULT '[]',
    live_modules  TEXT NOT NULL DEFAULT '[]',
    published     BOOLEAN NOT NULL DEFAULT FALSE,
    published_at  BIGINT NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    version       BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX channels_published ON channels (published, sort);

CREATE TABLE campaigns (
    id         @UUID PRIMARY KEY,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    badge      TEXT NOT NULL,
    starts_at  BIGINT NOT NULL,
    ends_at    BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version    BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX campaigns_window ON campaigns (ends_at, starts_at);

CREATE TABLE campaign_products (
    campaign_id @UUID NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    product_id  @UUID NOT NULL REFERENCES products (id),
    sort        BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign_id, product_id)
);
CREATE INDEX campaign_products_product ON campaign_products (product_id);
