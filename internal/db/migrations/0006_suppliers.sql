-- Supplier applications (入驻申请): the company, its credentials and brands, the review
-- with its checklist and every decision, and the supplier agreement's acceptance.

CREATE TABLE supplier_applications (
    id             @UUID PRIMARY KEY,
    org_id         @UUID NOT NULL UNIQUE REFERENCES orgs (id),
    applicant_id   @UUID NOT NULL REFERENCES users (id),
    state          TEXT NOT NULL,
    company_name   TEXT NOT NULL DEFAULT '',
    credit_code    TEXT NOT NULL DEFAULT '',
    legal_rep      TEXT NOT NULL DEFAULT '',
    legal_rep_id   TEXT NOT NULL DEFAULT '',
    reg_address    TEXT NOT NULL DEFAULT '',
    business_scope TEXT NOT NULL DEFAULT '',
    contact_name   TEXT NOT NULL DEFAULT '',
    contact_mobile TEXT NOT NULL DEFAULT '',
    contact_email  TEXT NOT NULL DEFAULT '',
    licence_valid_to TEXT NOT NULL DEFAULT '',
    categories     TEXT NOT NULL DEFAULT '[]',
    brands         TEXT NOT NULL DEFAULT '[]',
    licence_blob   TEXT NOT NULL DEFAULT '',
    checklist      TEXT NOT NULL DEFAULT '{}',
    reviewer_id    TEXT NOT NULL DEFAULT '',
    agreement_version TEXT NOT NULL DEFAULT '',
    agreement_at   BIGINT NOT NULL DEFAULT 0,
    agreement_ip   TEXT NOT NULL DEFAULT '',
    submitted_at   BIGINT NOT NULL DEFAULT 0,
    decided_at     BIGINT NOT NULL DEFAULT 0,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    version        BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX supplier_applications_state ON supplier_applications (state, submitted_at);

CREATE TABLE supplier_decisions (
    seq            @SERIAL,
    application_id @UUID NOT NULL REFERENCES supplier_applications (id),
    at             BIGINT NOT NULL,
    actor_id       TEXT NOT NULL,
    actor_name     TEXT NOT NULL,
    from_state     TEXT NOT NULL,
    to_state       TEXT NOT NULL,
    reason         TEXT NOT NULL DEFAULT '',
    checklist      TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX supplier_decisions_app ON supplier_decisions (application_id, seq);
