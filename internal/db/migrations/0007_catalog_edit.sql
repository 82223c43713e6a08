-- Catalogue editing: categories that send their products to ops review, product versions
-- for stale-form checks and the reason of a ban or rejection, the history of every
-- product status change, and the history of every SKU price-tier change.

ALTER TABLE categories ADD COLUMN needs_review BOOLEAN NOT NULL DEFAULT FALSE;

ALTER TABLE products ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE products ADD COLUMN status_reason TEXT NOT NULL DEFAULT '';

CREATE TABLE product_events (
    seq         @SERIAL,
    product_id  @UUID NOT NULL REFERENCES products (id),
    at          BIGINT NOT NULL,
    actor_id    TEXT NOT NULL,
    actor_name  TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status   TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX product_events_product ON product_events (product_id, seq);

CREATE TABLE sku_price_history (
    seq        @SERIAL,
    sku_id     @UUID NOT NULL REFERENCES skus (id),
    product_id @UUID NOT NULL REFERENCES products (id),
    sku_code   TEXT NOT NULL,
    at         BIGINT NOT NULL,
    actor_id   TEXT NOT NULL,
    actor_name TEXT NOT NULL,
    old_tiers  TEXT NOT NULL,
    new_tiers  TEXT NOT NULL
);
CREATE INDEX sku_price_history_sku ON sku_price_history (sku_id, seq);
CREATE INDEX sku_price_history_product ON sku_price_history (product_id, seq);
