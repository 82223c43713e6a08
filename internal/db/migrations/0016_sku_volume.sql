-- The volume of one unit of a SKU, in whole cubic centimetres (0 where not given), beside
-- its weight: freight and warehousing need both.
ALTER TABLE skus ADD COLUMN volume_cm3 BIGINT NOT NULL DEFAULT 0;
