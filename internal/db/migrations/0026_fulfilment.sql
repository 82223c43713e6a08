-- Fulfilment and settlement: shipments (parcel with carrier and waybill, or truck freight
-- with plate and driver) with the quantities of each line they carry, tracking events
-- (entered by the supplier or pushed by Kuaidi100), the buyer's receipt inspection per
-- line, each order's fulfilment timers (inspection window, release time), the release of
-- escrow (one settlement per order: gross, commission, net), the suppliers' settlement
-- bank accounts, and payout batches with one payout per supplier.
CREATE TABLE shipments (
    id           @UUID PRIMARY KEY,
    order_id     @UUID NOT NULL REFERENCES orders (id),
    supplier_id  @UUID NOT NULL REFERENCES orgs (id),
    seq          BIGINT NOT NULL,
    mode         TEXT NOT NULL CHECK (mode IN ('parcel', 'truck')),
    carrier      TEXT NOT NULL,
    carrier_name TEXT NOT NULL DEFAULT '',
    waybill      TEXT NOT NULL DEFAULT '',
    plate        TEXT NOT NULL DEFAULT '',
    driver_phone TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    created_by   TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    UNIQUE (order_id, seq)
);
CREATE INDEX shipments_waybill ON shipments (waybill);

CREATE TABLE shipment_lines (
    shipment_id @UUID NOT NULL REFERENCES shipments (id),
    order_id    @UUID NOT NULL REFERENCES orders (id),
    line_no     BIGINT NOT NULL,
    qty         BIGINT NOT NULL CHECK (qty > 0),
    PRIMARY KEY (shipment_id, line_no)
);
CREATE INDEX shipment_lines_order ON shipment_lines (order_id, line_no);

CREATE TABLE tracking_events (
    id          @UUID PRIMARY KEY,
    shipment_id @UUID NOT NULL REFERENCES shipments (id),
    order_id    @UUID NOT NULL REFERENCES orders (id),
    at          BIGINT NOT NULL,
    place       TEXT NOT NULL DEFAULT '',
    text        TEXT NOT NULL,
    source      TEXT NOT NULL CHECK (source IN ('manual', 'kuaidi100')),
    created_by  TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    UNIQUE (shipment_id, at, text)
);
CREATE INDEX tracking_events_order ON tracking_events (order_id, at);

CREATE TABLE receipt_lines (
    order_id     @UUID NOT NULL REFERENCES orders (id),
    line_no      BIGINT NOT NULL,
    accepted     BIGINT NOT NULL CHECK (accepted >= 0),
    problem      TEXT NOT NULL DEFAULT '',
    auto         BOOLEAN NOT NULL DEFAULT FALSE,
    confirmed_by TEXT NOT NULL DEFAULT '',
    confirmed_at BIGINT NOT NULL,
    PRIMARY KEY (order_id, line_no)
);

CREATE TABLE order_fulfilment (
    order_id      @UUID PRIMARY KEY REFERENCES orders (id),
    supplier_id   @UUID NOT NULL REFERENCES orgs (id),
    shipped_at    BIGINT NOT NULL DEFAULT 0,
    inspect_until BIGINT NOT NULL DEFAULT 0,
    held_seen_at  BIGINT NOT NULL DEFAULT 0,
    received_at   BIGINT NOT NULL DEFAULT 0,
    release_after BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX order_fulfilment_inspect ON order_fulfilment (inspect_until);
CREATE INDEX order_fulfilment_release ON order_fulfilment (release_after);

CREATE TABLE settlements (
    order_id      @UUID PRIMARY KEY REFERENCES orders (id),
    supplier_id   @UUID NOT NULL REFERENCES orgs (id),
    gross_fen     BIGINT NOT NULL CHECK (gross_fen >= 0),
    commission_fen BIGINT NOT NULL CHECK (commission_fen >= 0),
    net_fen       BIGINT NOT NULL CHECK (net_fen >= 0),
    tx_id         TEXT NOT NULL DEFAULT '',
    settled_at    BIGINT NOT NULL,
    CHECK (gross_fen = commission_fen + net_fen)
);
CREATE INDEX settlements_supplier ON settlements (supplier_id, settled_at);

CREATE TABLE settlement_accounts (
    supplier_id  @UUID PRIMARY KEY REFERENCES orgs (id),
    account_name TEXT NOT NULL,
    bank_name    TEXT NOT NULL,
    account_no   TEXT NOT NULL,
    cnaps        TEXT NOT NULL DEFAULT '',
    updated_by   TEXT NOT NULL DEFAULT '',
    updated_at   BIGINT NOT NULL
);

CREATE TABLE payout_batches (
    id         @UUID PRIMARY KEY,
    number     TEXT NOT NULL UNIQUE,
    created_by TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);

CREATE TABLE payouts (
    id           @UUID PRIMARY KEY,
    batch_id     @UUID NOT NULL REFERENCES payout_batches (id),
    supplier_id  @UUID NOT NULL REFERENCES orgs (id),
    amount_fen   BIGINT NOT NULL CHECK (amount_fen > 0),
    account_name TEXT NOT NULL,
    bank_name    TEXT NOT NULL,
    account_no   TEXT NOT NULL,
    cnaps        TEXT NOT NULL DEFAULT '',
    hold_id      TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('pending', 'paid', 'cancelled')),
    bank_ref     TEXT NOT NULL DEFAULT '',
    paid_by      TEXT NOT NULL DEFAULT '',
    paid_at      BIGINT NOT NULL DEFAULT 0,
    tx_id        TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL
);
CREATE INDEX payouts_batch ON payouts (batch_id);
CREATE INDEX payouts_supplier ON payouts (supplier_id, created_at);
CREATE UNIQUE INDEX payouts_open ON payouts (supplier_id) WHERE state = 'pending';
