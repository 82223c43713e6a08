-- Requests for quotation (询价) and quotes (报价). A buyer company's request lists
-- non-standard lines, files, a delivery address snapshot and a quote deadline; it is
-- open to the suppliers of its category or to invited suppliers only. Each supplier
-- keeps one quote per request whose every revision is kept in rfq_quote_versions; the
-- messages are one thread per supplier. An accepted quote becomes an order whose lines
-- have no SKU, so order_lines.sku_id and product_id become optional here (catalogue
-- lines still carry both and reserve stock as before).
CREATE TABLE order_lines_v2 (
    order_id   @UUID NOT NULL REFERENCES orders (id),
    line_no    BIGINT NOT NULL,
    sku_id     @UUID REFERENCES skus (id),
    product_id @UUID REFERENCES products (id),
    sku_code   TEXT NOT NULL,
    title      TEXT NOT NULL,
    spec       TEXT NOT NULL DEFAULT '',
    unit       TEXT NOT NULL,
    qty        BIGINT NOT NULL CHECK (qty > 0),
    unit_price BIGINT NOT NULL CHECK (unit_price >= 0),
    amount_fen BIGINT NOT NULL CHECK (amount_fen >= 0),
    tax_rate   BIGINT NOT NULL,
    PRIMARY KEY (order_id, line_no),
    CHECK ((sku_id IS NULL) = (product_id IS NULL))
);
INSERT INTO order_lines_v2 (order_id, line_no, sku_id, product_id, sku_code, title, spec, unit, qty, unit_price, amount_fen, tax_rate)
    SELECT order_id, line_no, sku_id, product_id, sku_code, title, spec, unit, qty, unit_price, amount_fen, tax_rate FROM order_lines;
DROP TABLE order_lines;
ALTER TABLE order_lines_v2 RENAME TO order_lines;

CREATE TABLE rfq_seq (
    day  TEXT PRIMARY KEY,
    last BIGINT NOT NULL
);

CREATE TABLE rfqs (
    id            @UUID PRIMARY KEY,
    number        TEXT NOT NULL UNIQUE,
    buyer_org_id  @UUID NOT NULL REFERENCES orgs (id),
    buyer_user_id @UUID NOT NULL REFERENCES users (id),
    token         TEXT NOT NULL,
    title         TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    category_id   @UUID NOT NULL REFERENCES categories (id),
    open_to_all   BOOLEAN NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('draft', 'published', 'closed', 'expired', 'awarded', 'cancelled')),
    need_by       BIGINT NOT NULL,
    deadline      BIGINT NOT NULL,
    target_fen    BIGINT NOT NULL DEFAULT 0 CHECK (target_fen >= 0),
    consignee     TEXT NOT NULL,
    mobile        TEXT NOT NULL,
    division_code TEXT NOT NULL,
    division_name TEXT NOT NULL,
    street        TEXT NOT NULL,
    postcode      TEXT NOT NULL DEFAULT '',
    quote_id      TEXT NOT NULL DEFAULT '',
    order_id      TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    UNIQUE (buyer_org_id, buyer_user_id, token)
);
CREATE INDEX rfqs_buyer ON rfqs (buyer_org_id, created_at);
CREATE INDEX rfqs_due ON rfqs (state, deadline);
CREATE INDEX rfqs_category ON rfqs (category_id, state);

CREATE TABLE rfq_lines (
    rfq_id      @UUID NOT NULL REFERENCES rfqs (id),
    line_no     BIGINT NOT NULL,
    description TEXT NOT NULL,
    spec        TEXT NOT NULL DEFAULT '',
    qty         BIGINT NOT NULL CHECK (qty > 0),
    unit        TEXT NOT NULL,
    PRIMARY KEY (rfq_id, line_no)
);

CREATE TABLE rfq_invites (
    rfq_id      @UUID NOT NULL REFERENCES rfqs (id),
    supplier_id @UUID NOT NULL REFERENCES orgs (id),
    PRIMARY KEY (rfq_id, supplier_id)
);
CREATE INDEX rfq_invites_supplier ON rfq_invites (supplier_id);

-- Files of a request (quote_id '') or of a quote.
CREATE TABLE rfq_files (
    rfq_id   @UUID NOT NULL REFERENCES rfqs (id),
    quote_id TEXT NOT NULL DEFAULT '',
    blob_id  @UUID NOT NULL REFERENCES blobs (id),
    name     TEXT NOT NULL,
    size     BIGINT NOT NULL,
    PRIMARY KEY (rfq_id, blob_id)
);

CREATE TABLE rfq_quotes (
    id             @UUID PRIMARY KEY,
    rfq_id         @UUID NOT NULL REFERENCES rfqs (id),
    supplier_id    @UUID NOT NULL REFERENCES orgs (id),
    version        BIGINT NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('submitted', 'withdrawn', 'accepted', 'not_chosen', 'expired')),
    lines          TEXT NOT NULL,
    tax_included   BOOLEAN NOT NULL,
    tax_rate       BIGINT NOT NULL,
    total_fen      BIGINT NOT NULL CHECK (total_fen >= 0),
    lead_days      BIGINT NOT NULL,
    valid_until    BIGINT NOT NULL,
    payment_terms  TEXT NOT NULL DEFAULT '',
    delivery_terms TEXT NOT NULL DEFAULT '',
    notes          TEXT NOT NULL DEFAULT '',
    created_by     TEXT NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    UNIQUE (rfq_id, supplier_id)
);
CREATE INDEX rfq_quotes_supplier ON rfq_quotes (supplier_id, updated_at);
CREATE INDEX rfq_quotes_valid ON rfq_quotes (state, valid_until);

-- Every submitted revision of a quote, as it was (JSON of the quote's terms and lines).
CREATE TABLE rfq_quote_versions (
    quote_id   @UUID NOT NULL REFERENCES rfq_quotes (id),
    version    BIGINT NOT NULL,
    data       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (quote_id, version)
);

CREATE TABLE rfq_messages (
    id            @SERIAL,
    rfq_id        @UUID NOT NULL REFERENCES rfqs (id),
    supplier_id   @UUID NOT NULL REFERENCES orgs (id),
    author_org_id @UUID NOT NULL REFERENCES orgs (id),
    author_name   TEXT NOT NULL,
    body          TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX rfq_messages_thread ON rfq_messages (rfq_id, supplier_id, id);
