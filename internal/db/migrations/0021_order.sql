-- The order core: each member's cart (采购车), checkouts (one per form token or
-- Idempotency-Key, so a resubmitted checkout finds its orders instead of placing them
-- twice), orders split per supplier with their lines priced by the server, the per-day
-- order number sequence, approvals and every state change.
CREATE TABLE cart_items (
    org_id      @UUID NOT NULL REFERENCES orgs (id),
    user_id     @UUID NOT NULL REFERENCES users (id),
    sku_id      @UUID NOT NULL REFERENCES skus (id),
    qty         BIGINT NOT NULL CHECK (qty > 0),
    saved       BOOLEAN NOT NULL DEFAULT FALSE,
    added_price BIGINT NOT NULL,
    added_stock BIGINT NOT NULL,
    added_at    BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (org_id, user_id, sku_id)
);

CREATE TABLE checkouts (
    id         @UUID PRIMARY KEY,
    org_id     @UUID NOT NULL REFERENCES orgs (id),
    user_id    @UUID NOT NULL REFERENCES users (id),
    token      TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (org_id, user_id, token)
);

CREATE TABLE order_seq (
    day  TEXT PRIMARY KEY,
    last BIGINT NOT NULL
);

CREATE TABLE orders (
    id             @UUID PRIMARY KEY,
    number         TEXT NOT NULL UNIQUE,
    checkout_id    @UUID NOT NULL REFERENCES checkouts (id),
    buyer_org_id   @UUID NOT NULL REFERENCES orgs (id),
    buyer_user_id  @UUID NOT NULL REFERENCES users (id),
    supplier_id    @UUID NOT NULL REFERENCES orgs (id),
    state          TEXT NOT NULL CHECK (state IN ('awaiting_approval', 'awaiting_payment', 'paid', 'shipped', 'received', 'settled', 'cancelled')),
    goods_fen      BIGINT NOT NULL CHECK (goods_fen >= 0),
    freight_fen    BIGINT NOT NULL CHECK (freight_fen >= 0),
    total_fen      BIGINT NOT NULL CHECK (total_fen >= 0),
    consignee      TEXT NOT NULL,
    mobile         TEXT NOT NULL,
    division_code  TEXT NOT NULL,
    division_name  TEXT NOT NULL,
    street         TEXT NOT NULL,
    postcode       TEXT NOT NULL DEFAULT '',
    note           TEXT NOT NULL DEFAULT '',
    approval_steps TEXT NOT NULL DEFAULT '[]',
    pay_deadline   BIGINT NOT NULL DEFAULT 0,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX orders_checkout ON orders (checkout_id);
CREATE INDEX orders_buyer ON orders (buyer_org_id, created_at);
CREATE INDEX orders_supplier ON orders (supplier_id, created_at);
CREATE INDEX orders_deadline ON orders (state, pay_deadline);

CREATE TABLE order_lines (
    order_id   @UUID NOT NULL REFERENCES orders (id),
    line_no    BIGINT NOT NULL,
    sku_id     @UUID NOT NULL REFERENCES skus (id),
    product_id @UUID NOT NULL REFERENCES products (id),
    sku_code   TEXT NOT NULL,
    title      TEXT NOT NULL,
    spec       TEXT NOT NULL DEFAULT '',
    unit       TEXT NOT NULL,
    qty        BIGINT NOT NULL CHECK (qty > 0),
    unit_price BIGINT NOT NULL CHECK (unit_price >= 0),
    amount_fen BIGINT NOT NULL CHECK (amount_fen >= 0),
    tax_rate   BIGINT NOT NULL,
    PRIMARY KEY (order_id, line_no)
);

CREATE TABLE order_approvals (
    order_id   @UUID NOT NULL REFERENCES orders (id),
    step       BIGINT NOT NULL,
    user_id    @UUID NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (order_id, step, user_id)
);

CREATE TABLE order_events (
    id         @SERIAL,
    order_id   @UUID NOT NULL REFERENCES orders (id),
    action     TEXT NOT NULL,
    from_state TEXT NOT NULL DEFAULT '',
    to_state   TEXT NOT NULL,
    actor_id   TEXT NOT NULL DEFAULT '',
    actor_name TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX order_events_order ON order_events (order_id, id);
