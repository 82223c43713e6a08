-- When the buyer of an unpaid order was reminded that its payment deadline is near
-- (0: not yet): the reminder goes once.
ALTER TABLE orders ADD COLUMN reminded_at BIGINT NOT NULL DEFAULT 0;
