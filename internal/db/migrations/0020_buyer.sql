-- Buyer companies: the invoice and tax profile, delivery addresses filed under GB/T 2260
-- county codes, spend approval rules and requisition lists (采购清单).
CREATE TABLE buyer_profiles (
    org_id        @UUID PRIMARY KEY REFERENCES orgs (id),
    invoice_title TEXT NOT NULL DEFAULT '',
    tax_id        TEXT NOT NULL DEFAULT '',
    reg_address   TEXT NOT NULL DEFAULT '',
    reg_phone     TEXT NOT NULL DEFAULT '',
    bank_name     TEXT NOT NULL DEFAULT '',
    bank_account  TEXT NOT NULL DEFAULT '',
    invoice_type  TEXT NOT NULL DEFAULT 'normal' CHECK (invoice_type IN ('special', 'normal')),
    updated_at    BIGINT NOT NULL,
    updated_by    TEXT NOT NULL DEFAULT ''
);

CREATE TABLE buyer_addresses (
    id            @UUID PRIMARY KEY,
    org_id        @UUID NOT NULL REFERENCES orgs (id),
    label         TEXT NOT NULL DEFAULT '',
    consignee     TEXT NOT NULL,
    mobile        TEXT NOT NULL,
    division_code TEXT NOT NULL,
    division_name TEXT NOT NULL,
    street        TEXT NOT NULL,
    postcode      TEXT NOT NULL DEFAULT '',
    is_default    BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX buyer_addresses_org ON buyer_addresses (org_id, created_at);

CREATE TABLE approval_rules (
    id             @UUID PRIMARY KEY,
    org_id         @UUID NOT NULL REFERENCES orgs (id),
    over_fen       BIGINT NOT NULL CHECK (over_fen >= 0),
    applies_to     TEXT NOT NULL,
    approver_ids   TEXT NOT NULL DEFAULT '[]',
    approver_roles TEXT NOT NULL DEFAULT '[]',
    approvals      BIGINT NOT NULL DEFAULT 1 CHECK (approvals >= 1),
    owner_alone    BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX approval_rules_org ON approval_rules (org_id, over_fen);

CREATE TABLE requisition_lists (
    id         @UUID PRIMARY KEY,
    org_id     @UUID NOT NULL REFERENCES orgs (id),
    name       TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX requisition_lists_org ON requisition_lists (org_id, updated_at);

CREATE TABLE requisition_items (
    list_id  @UUID NOT NULL REFERENCES requisition_lists (id),
    sku_id   @UUID NOT NULL REFERENCES skus (id),
    qty      BIGINT NOT NULL CHECK (qty > 0),
    note     TEXT NOT NULL DEFAULT '',
    added_at BIGINT NOT NULL,
    PRIMARY KEY (list_id, sku_id)
);
