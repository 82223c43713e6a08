-- The double-entry ledger and the supplier deposit (保证金).
--
-- Ledger: transactions and postings are append-only (no code updates or deletes them).
-- A posting's amount is signed, debit positive and credit negative; a transaction's
-- postings sum to zero. Balances are kept per account on the account's normal side and
-- updated in the same database transaction as the postings; accounts that must not go
-- negative are held to that by a CHECK as well as by the code. A hold reserves an amount
-- (pending) and is later posted or voided exactly once.

CREATE TABLE ledger_accounts (
    code        TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    side        TEXT NOT NULL CHECK (side IN ('debit', 'credit')),
    negative_ok BOOLEAN NOT NULL,
    created_at  BIGINT NOT NULL
);

-- negative_ok is copied from the account so the CHECK can see it.
CREATE TABLE ledger_balances (
    account     TEXT PRIMARY KEY REFERENCES ledger_accounts (code),
    negative_ok BOOLEAN NOT NULL,
    balance     BIGINT NOT NULL DEFAULT 0,
    pending     BIGINT NOT NULL DEFAULT 0 CHECK (pending >= 0),
    version     BIGINT NOT NULL DEFAULT 0,
    updated_at  BIGINT NOT NULL,
    CHECK (negative_ok OR balance >= pending)
);

CREATE TABLE ledger_transactions (
    seq        @SERIAL,
    id         @UUID NOT NULL UNIQUE,
    kind       TEXT NOT NULL,
    ref        TEXT NOT NULL,
    subject    TEXT NOT NULL DEFAULT '',
    memo       TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    UNIQUE (kind, ref)
);
CREATE INDEX ledger_transactions_subject ON ledger_transactions (subject, seq);

-- balance is the account's balance right after this posting (its running balance).
CREATE TABLE ledger_postings (
    seq        @SERIAL,
    tx_id      @UUID NOT NULL REFERENCES ledger_transactions (id),
    account    TEXT NOT NULL REFERENCES ledger_accounts (code),
    amount     BIGINT NOT NULL CHECK (amount <> 0),
    balance    BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (tx_id, account)
);
CREATE INDEX ledger_postings_account ON ledger_postings (account, seq);
CREATE INDEX ledger_postings_account_at ON ledger_postings (account, created_at);

-- tx_id names the transaction that posted the hold; it is written before that
-- transaction exists, hence no foreign key.
CREATE TABLE ledger_holds (
    id             @UUID PRIMARY KEY,
    kind           TEXT NOT NULL,
    ref            TEXT NOT NULL,
    subject        TEXT NOT NULL DEFAULT '',
    memo           TEXT NOT NULL DEFAULT '',
    debit_account  TEXT NOT NULL REFERENCES ledger_accounts (code),
    credit_account TEXT NOT NULL REFERENCES ledger_accounts (code),
    amount         BIGINT NOT NULL CHECK (amount > 0),
    state          TEXT NOT NULL CHECK (state IN ('pending', 'posted', 'voided')),
    tx_id          @UUID,
    created_at     BIGINT NOT NULL,
    resolved_at    BIGINT NOT NULL DEFAULT 0,
    UNIQUE (kind, ref)
);
CREATE INDEX ledger_holds_pending ON ledger_holds (state, debit_account);

-- Deposit requirements: a NULL category is the default for every category without its
-- own amount (a category inherits its nearest ancestor's).
CREATE TABLE deposit_requirements (
    category_id @UUID REFERENCES categories (id),
    amount      BIGINT NOT NULL CHECK (amount >= 0),
    updated_at  BIGINT NOT NULL,
    updated_by  TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX deposit_requirements_category ON deposit_requirements (category_id);
CREATE UNIQUE INDEX deposit_requirements_default ON deposit_requirements ((category_id IS NULL)) WHERE category_id IS NULL;
INSERT INTO deposit_requirements (category_id, amount, updated_at, updated_by) VALUES (NULL, 2000000, 0, '');

-- One row per supplier that has had anything to do with a deposit; money lives in the
-- ledger (deposit:held:<id>, deposit:frozen:<id>).
CREATE TABLE deposit_accounts (
    supplier_id @UUID PRIMARY KEY REFERENCES orgs (id),
    required    BIGINT NOT NULL CHECK (required >= 0),
    exited_at   BIGINT NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

-- The remittance code a supplier writes in the note of its corporate bank transfer (对公转账).
CREATE TABLE deposit_remittances (
    code        TEXT PRIMARY KEY,
    supplier_id @UUID NOT NULL UNIQUE REFERENCES orgs (id),
    issued_at   BIGINT NOT NULL,
    issued_by   TEXT NOT NULL DEFAULT ''
);

CREATE TABLE deposit_refunds (
    id           @UUID PRIMARY KEY,
    supplier_id  @UUID NOT NULL REFERENCES orgs (id),
    ref          TEXT NOT NULL,
    amount       BIGINT NOT NULL CHECK (amount > 0),
    state        TEXT NOT NULL CHECK (state IN ('requested', 'refunded', 'cancelled')),
    hold_id      @UUID NOT NULL REFERENCES ledger_holds (id),
    reason       TEXT NOT NULL DEFAULT '',
    requested_by TEXT NOT NULL DEFAULT '',
    requested_at BIGINT NOT NULL,
    resolved_by  TEXT NOT NULL DEFAULT '',
    resolved_at  BIGINT NOT NULL DEFAULT 0,
    payout_ref   TEXT NOT NULL DEFAULT '',
    bank_details TEXT NOT NULL DEFAULT '',
    tx_id        @UUID,
    UNIQUE (supplier_id, ref)
);
CREATE INDEX deposit_refunds_supplier ON deposit_refunds (supplier_id, requested_at);
CREATE UNIQUE INDEX deposit_refunds_open ON deposit_refunds (supplier_id) WHERE state = 'requested';
