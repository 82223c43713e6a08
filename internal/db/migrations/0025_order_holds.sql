-- An order's open after-sales cases and disputes. While holds > 0 the order's escrow is
-- not released and automatic receipt confirmation waits: opening a case adds one in the
-- same transaction, closing it takes one away. Fulfilment, after-sales and disputes
-- meet only here.
ALTER TABLE orders ADD COLUMN holds BIGINT NOT NULL DEFAULT 0 CHECK (holds >= 0);
