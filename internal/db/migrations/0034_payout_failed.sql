-- A payout the bank did not make (returned, refused) is cancelled by staff with the
-- reason: its ledger hold is voided, so the payable goes in the next batch. The state
-- is 'cancelled' (allowed since 0026); these record who, when and why.
ALTER TABLE payouts ADD COLUMN fail_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE payouts ADD COLUMN failed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE payouts ADD COLUMN failed_at BIGINT NOT NULL DEFAULT 0;
