-- VAT invoices (发票) and the notification channels.
--
-- A category may carry its own VAT rate in basis points (1300 = 13 %); -1 inherits the
-- nearest ancestor's, and the platform default (13 % goods) applies when none is set.
-- Checkout records the rate on every order line, so a later change never touches an
-- order already placed.
ALTER TABLE categories ADD COLUMN vat_rate BIGINT NOT NULL DEFAULT -1 CHECK (vat_rate >= -1 AND vat_rate <= 10000);

-- One row per invoice document: a blue (蓝字) invoice the buyer requested for an order,
-- or a red-letter (红字) reversal of an issued blue one. The buyer's tax details are a
-- snapshot taken at request time; lines (含税 / 不含税 / 税额 per line) are computed by
-- the server and kept as JSON. Amounts of red invoices are negative.
CREATE TABLE invoices (
    id             @UUID PRIMARY KEY,
    number         TEXT NOT NULL UNIQUE,
    order_id       @UUID NOT NULL REFERENCES orders (id),
    order_number   TEXT NOT NULL,
    buyer_org_id   @UUID NOT NULL REFERENCES orgs (id),
    supplier_id    @UUID NOT NULL REFERENCES orgs (id),
    supplier_name  TEXT NOT NULL,
    color          TEXT NOT NULL CHECK (color IN ('blue', 'red')),
    kind           TEXT NOT NULL CHECK (kind IN ('special', 'normal')),
    state          TEXT NOT NULL CHECK (state IN ('requested', 'issued', 'rejected', 'cancelled', 'reversed')),
    original_id    @UUID REFERENCES invoices (id),
    title          TEXT NOT NULL,
    tax_id         TEXT NOT NULL DEFAULT '',
    address_phone  TEXT NOT NULL DEFAULT '',
    bank_account   TEXT NOT NULL DEFAULT '',
    email          TEXT NOT NULL DEFAULT '',
    amount_fen     BIGINT NOT NULL,
    excl_fen       BIGINT NOT NULL,
    tax_fen        BIGINT NOT NULL,
    lines          TEXT NOT NULL DEFAULT '[]',
    refund_fen     BIGINT NOT NULL DEFAULT 0,
    refund_ref     TEXT NOT NULL DEFAULT '',
    red_pending    BOOLEAN NOT NULL DEFAULT FALSE,
    reversed_fen   BIGINT NOT NULL DEFAULT 0,
    red_mode       TEXT NOT NULL DEFAULT '',
    invoice_code   TEXT NOT NULL DEFAULT '',
    invoice_no     TEXT NOT NULL DEFAULT '',
    issued_on      TEXT NOT NULL DEFAULT '',
    issued_at      BIGINT NOT NULL DEFAULT 0,
    issued_by      TEXT NOT NULL DEFAULT '',
    reason         TEXT NOT NULL DEFAULT '',
    requested_by   TEXT NOT NULL DEFAULT '',
    idem_key       TEXT NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX invoices_buyer ON invoices (buyer_org_id, created_at);
CREATE INDEX invoices_supplier ON invoices (supplier_id, state, created_at);
CREATE INDEX invoices_order ON invoices (order_id, created_at);
CREATE INDEX invoices_state ON invoices (state, created_at);
-- At most one live blue invoice per order (a rejected or cancelled request may be asked
-- for again), one red reversal per refund of an invoice, and an issued number once.
CREATE UNIQUE INDEX invoices_one_blue ON invoices (order_id) WHERE color = 'blue' AND state IN ('requested', 'issued');
CREATE UNIQUE INDEX invoices_red_ref ON invoices (original_id, refund_ref) WHERE color = 'red';
CREATE UNIQUE INDEX invoices_issued_no ON invoices (invoice_code, invoice_no) WHERE invoice_no <> '';
CREATE UNIQUE INDEX invoices_idem ON invoices (buyer_org_id, idem_key) WHERE idem_key <> '';

-- The files of an issued invoice (PDF, OFD, XML — for 数电票 the XML is the legal copy).
CREATE TABLE invoice_files (
    invoice_id @UUID NOT NULL REFERENCES invoices (id),
    blob_id    @UUID NOT NULL REFERENCES blobs (id),
    kind       TEXT NOT NULL,
    name       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (invoice_id, blob_id)
);

-- Refunds the invoice module was told about, per order, unique by the refund's reference,
-- so the amount a new request may cover is (order total − Σ refunds) whichever refund
-- path (cancellation before shipping, after-sales) made them.
CREATE TABLE invoice_refunds (
    order_id   @UUID NOT NULL REFERENCES orders (id),
    ref        TEXT NOT NULL,
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (order_id, ref)
);

-- Which message kinds each user wants by email and by SMS (in-site messages always go).
-- A missing row means the kind's default.
CREATE TABLE notify_prefs (
    user_id @UUID NOT NULL REFERENCES users (id),
    kind    TEXT NOT NULL,
    email   BOOLEAN NOT NULL,
    sms     BOOLEAN NOT NULL,
    PRIMARY KEY (user_id, kind)
);

-- Every email or SMS Zhuchao sends or would send: written in the transaction of the
-- change (with its delivery job), sent afterwards by the job runner with retries. With
-- the log-only channel the row is the record of what would have been sent.
CREATE TABLE notify_deliveries (
    id         @UUID PRIMARY KEY,
    message_id @UUID NOT NULL REFERENCES messages (id),
    org_id     @UUID NOT NULL REFERENCES orgs (id),
    user_id    @UUID NOT NULL REFERENCES users (id),
    channel    TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    address    TEXT NOT NULL,
    subject    TEXT NOT NULL DEFAULT '',
    body       TEXT NOT NULL,
    state      TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'logged', 'failed')),
    attempts   BIGINT NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    sent_at    BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX notify_deliveries_created ON notify_deliveries (created_at);
CREATE INDEX messages_unread ON messages (org_id, read_at);
