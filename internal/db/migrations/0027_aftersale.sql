-- After-sales cases (售后: return and refund, exchange, refund only) per order line,
-- disputes with mediation and arbitration (纠纷/仲裁), their evidence files, their
-- append-only timeline, and the refunds they made from an order's escrow. Opening a case
-- or a dispute adds one to orders.holds in the same transaction; closing it takes one away.
-- A refund is unique per case and per dispute (and its ledger transaction per (kind, ref)),
-- so it happens once however many approvals race. payment_refunds (the one-per-order
-- cancellation before shipment) is untouched.
CREATE TABLE aftersale_cases (
    id             @UUID PRIMARY KEY,
    number         TEXT NOT NULL UNIQUE,
    order_id       @UUID NOT NULL REFERENCES orders (id),
    line_no        BIGINT NOT NULL,
    buyer_org_id   @UUID NOT NULL REFERENCES orgs (id),
    supplier_id    @UUID NOT NULL REFERENCES orgs (id),
    created_by     @UUID NOT NULL REFERENCES users (id),
    kind           TEXT NOT NULL CHECK (kind IN ('return_refund', 'exchange', 'refund_only')),
    reason         TEXT NOT NULL,
    detail         TEXT NOT NULL DEFAULT '',
    qty            BIGINT NOT NULL CHECK (qty > 0),
    amount_fen     BIGINT NOT NULL CHECK (amount_fen >= 0),
    offer_fen      BIGINT NOT NULL DEFAULT 0 CHECK (offer_fen >= 0),
    refunded_fen   BIGINT NOT NULL DEFAULT 0 CHECK (refunded_fen >= 0),
    state          TEXT NOT NULL,
    answer_by      BIGINT NOT NULL DEFAULT 0,
    refuse_reason  TEXT NOT NULL DEFAULT '',
    return_address TEXT NOT NULL DEFAULT '',
    return_carrier TEXT NOT NULL DEFAULT '',
    return_waybill TEXT NOT NULL DEFAULT '',
    reship_carrier TEXT NOT NULL DEFAULT '',
    reship_waybill TEXT NOT NULL DEFAULT '',
    dispute_id     @UUID,
    idem_key       TEXT NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    closed_at      BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX aftersale_cases_order ON aftersale_cases (order_id, line_no);
CREATE INDEX aftersale_cases_buyer ON aftersale_cases (buyer_org_id, created_at);
CREATE INDEX aftersale_cases_supplier ON aftersale_cases (supplier_id, created_at);
CREATE INDEX aftersale_cases_due ON aftersale_cases (state, answer_by);
CREATE UNIQUE INDEX aftersale_cases_idem ON aftersale_cases (buyer_org_id, idem_key) WHERE idem_key <> '';

CREATE TABLE disputes (
    id               @UUID PRIMARY KEY,
    number           TEXT NOT NULL UNIQUE,
    order_id         @UUID NOT NULL REFERENCES orders (id),
    case_id          @UUID REFERENCES aftersale_cases (id),
    buyer_org_id     @UUID NOT NULL REFERENCES orgs (id),
    supplier_id      @UUID NOT NULL REFERENCES orgs (id),
    opened_by        TEXT NOT NULL CHECK (opened_by IN ('buyer', 'supplier', 'system')),
    opened_user      TEXT NOT NULL DEFAULT '',
    claim            TEXT NOT NULL,
    amount_fen       BIGINT NOT NULL CHECK (amount_fen >= 0),
    state            TEXT NOT NULL,
    answer_by        BIGINT NOT NULL DEFAULT 0,
    waiting_on       TEXT NOT NULL DEFAULT '',
    proposal_fen     BIGINT NOT NULL DEFAULT 0,
    proposal_note    TEXT NOT NULL DEFAULT '',
    buyer_accepted   BOOLEAN NOT NULL DEFAULT FALSE,
    supplier_accepted BOOLEAN NOT NULL DEFAULT FALSE,
    refund_fen       BIGINT NOT NULL DEFAULT 0,
    deduct_fen       BIGINT NOT NULL DEFAULT 0,
    decision         TEXT NOT NULL DEFAULT '',
    decided_by       TEXT NOT NULL DEFAULT '',
    idem_key         TEXT NOT NULL DEFAULT '',
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    closed_at        BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX disputes_order ON disputes (order_id);
CREATE INDEX disputes_queue ON disputes (state, answer_by);
CREATE INDEX disputes_buyer ON disputes (buyer_org_id, created_at);
CREATE INDEX disputes_supplier ON disputes (supplier_id, created_at);
CREATE UNIQUE INDEX disputes_idem ON disputes (opened_user, idem_key) WHERE idem_key <> '';

-- The timeline of a case or a dispute: every step, kept forever (nothing updates or
-- deletes these rows).
CREATE TABLE aftersale_events (
    id          @SERIAL,
    case_id     @UUID REFERENCES aftersale_cases (id),
    dispute_id  @UUID REFERENCES disputes (id),
    action      TEXT NOT NULL,
    from_state  TEXT NOT NULL DEFAULT '',
    to_state    TEXT NOT NULL DEFAULT '',
    side        TEXT NOT NULL DEFAULT '',
    actor_id    TEXT NOT NULL DEFAULT '',
    actor_name  TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    amount_fen  BIGINT NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL
);
CREATE INDEX aftersale_events_case ON aftersale_events (case_id, id);
CREATE INDEX aftersale_events_dispute ON aftersale_events (dispute_id, id);

-- Photos and documents attached to a case or a dispute (the bytes are blobs).
CREATE TABLE aftersale_files (
    blob_id     @UUID PRIMARY KEY REFERENCES blobs (id),
    case_id     @UUID REFERENCES aftersale_cases (id),
    dispute_id  @UUID REFERENCES disputes (id),
    event_id    BIGINT NOT NULL DEFAULT 0,
    side        TEXT NOT NULL,
    name        TEXT NOT NULL,
    size        BIGINT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX aftersale_files_case ON aftersale_files (case_id);
CREATE INDEX aftersale_files_dispute ON aftersale_files (dispute_id);

-- Refunds from escrow made by after-sales cases and disputes: one per case, one per
-- dispute. Reconciliation counts them with payment_refunds.
CREATE TABLE aftersale_refunds (
    id           @UUID PRIMARY KEY,
    order_id     @UUID NOT NULL REFERENCES orders (id),
    case_id      @UUID UNIQUE REFERENCES aftersale_cases (id),
    dispute_id   @UUID UNIQUE REFERENCES disputes (id),
    payment_id   @UUID NOT NULL REFERENCES payments (id),
    buyer_org_id @UUID NOT NULL REFERENCES orgs (id),
    supplier_id  @UUID NOT NULL REFERENCES orgs (id),
    amount_fen   BIGINT NOT NULL CHECK (amount_fen > 0),
    provider     TEXT NOT NULL,
    provider_ref TEXT NOT NULL DEFAULT '',
    ledger_tx    TEXT NOT NULL DEFAULT '',
    decided_by   TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    CHECK ((case_id IS NULL) <> (dispute_id IS NULL))
);
CREATE INDEX aftersale_refunds_order ON aftersale_refunds (order_id);
CREATE INDEX aftersale_refunds_created ON aftersale_refunds (created_at);

-- Per-day number sequences for cases (AS…) and disputes (DP…).
CREATE TABLE aftersale_seq (
    kind TEXT NOT NULL,
    day  TEXT NOT NULL,
    last BIGINT NOT NULL,
    PRIMARY KEY (kind, day)
);
