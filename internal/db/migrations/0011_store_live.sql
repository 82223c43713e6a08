-- A store goes live only when its supplier is approved and its deposit is paid in full;
-- the flag is kept in step with the deposit inside each deposit transaction, so listings
-- can filter on it cheaply.
ALTER TABLE orgs ADD COLUMN store_live BOOLEAN NOT NULL DEFAULT FALSE;
