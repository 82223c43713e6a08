-- The freight template a product ships under ('' for none: freight agreed per order).
ALTER TABLE products ADD COLUMN freight_template_id TEXT NOT NULL DEFAULT '';
