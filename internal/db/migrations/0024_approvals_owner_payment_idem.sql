-- An approval remembers whether its giver was an owner, so a step that an owner may
-- approve alone ("two approvers, or the owner") completes on the owner's word; and a
-- payment's idempotency key is unique per buyer company in the database itself, so two
-- submissions racing past the application's check cannot both create a payment.
ALTER TABLE order_approvals ADD COLUMN owner BOOLEAN NOT NULL DEFAULT FALSE;
CREATE UNIQUE INDEX payments_idem ON payments (buyer_org_id, idem_key) WHERE idem_key <> '';
