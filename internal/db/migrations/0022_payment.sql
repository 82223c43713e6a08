-- Payments into escrow: one payment covers one or more orders of one buyer checkout and
-- is made with one provider (corporate bank transfer with a remittance code, the demo
-- sandbox, Alipay, WeChat Pay). Every incoming money event (a provider notification or a
-- bank statement line) is a receipt, unique by (provider, provider_txn), so a replayed
-- notification or a re-imported statement line is recognised and changes nothing.
-- Receipts that cannot go into escrow wait in the staff review queue, their money in the
-- ledger account payment:suspense:<receipt>. A refund of a paid, unshipped order is
-- unique per order: it happens once.
CREATE TABLE payments (
    id           @UUID PRIMARY KEY,
    number       TEXT NOT NULL UNIQUE,
    buyer_org_id @UUID NOT NULL REFERENCES orgs (id),
    user_id      @UUID NOT NULL REFERENCES users (id),
    checkout_id  @UUID NOT NULL REFERENCES checkouts (id),
    provider     TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('pending', 'paid', 'closed')),
    amount_fen   BIGINT NOT NULL CHECK (amount_fen > 0),
    remittance   TEXT UNIQUE,
    idem_key     TEXT NOT NULL DEFAULT '',
    receipt_id   @UUID,
    deadline     BIGINT NOT NULL DEFAULT 0,
    created_at   BIGINT NOT NULL,
    paid_at      BIGINT NOT NULL DEFAULT 0,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX payments_buyer ON payments (buyer_org_id, created_at);
CREATE INDEX payments_state ON payments (state, provider);

CREATE TABLE payment_orders (
    payment_id @UUID NOT NULL REFERENCES payments (id),
    order_id   @UUID NOT NULL REFERENCES orders (id),
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    PRIMARY KEY (payment_id, order_id)
);
CREATE INDEX payment_orders_order ON payment_orders (order_id);

CREATE TABLE statement_imports (
    id         @UUID PRIMARY KEY,
    filename   TEXT NOT NULL,
    rows_total BIGINT NOT NULL,
    matched    BIGINT NOT NULL,
    review     BIGINT NOT NULL,
    replayed   BIGINT NOT NULL,
    rejected   BIGINT NOT NULL,
    created_by @UUID NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL
);

CREATE TABLE payment_receipts (
    id            @UUID PRIMARY KEY,
    provider      TEXT NOT NULL,
    provider_txn  TEXT NOT NULL,
    payment_id    @UUID REFERENCES payments (id),
    amount_fen    BIGINT NOT NULL CHECK (amount_fen > 0),
    payer_name    TEXT NOT NULL DEFAULT '',
    payer_account TEXT NOT NULL DEFAULT '',
    memo          TEXT NOT NULL DEFAULT '',
    trade_date    TEXT NOT NULL DEFAULT '',
    import_id     @UUID REFERENCES statement_imports (id),
    state         TEXT NOT NULL CHECK (state IN ('matched', 'review', 'held', 'returned')),
    reason        TEXT NOT NULL DEFAULT '',
    note          TEXT NOT NULL DEFAULT '',
    resolved_by   TEXT NOT NULL DEFAULT '',
    resolved_at   BIGINT NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL,
    UNIQUE (provider, provider_txn)
);
CREATE INDEX payment_receipts_state ON payment_receipts (state, created_at);

CREATE TABLE payment_refunds (
    id           @UUID PRIMARY KEY,
    order_id     @UUID NOT NULL UNIQUE REFERENCES orders (id),
    payment_id   @UUID NOT NULL REFERENCES payments (id),
    buyer_org_id @UUID NOT NULL REFERENCES orgs (id),
    amount_fen   BIGINT NOT NULL CHECK (amount_fen > 0),
    state        TEXT NOT NULL CHECK (state IN ('requested', 'refunded', 'rejected')),
    reason       TEXT NOT NULL DEFAULT '',
    requested_by @UUID NOT NULL REFERENCES users (id),
    decided_by   TEXT NOT NULL DEFAULT '',
    provider_ref TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    decided_at   BIGINT NOT NULL DEFAULT 0
);
