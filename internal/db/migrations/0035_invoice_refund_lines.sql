-- The order line a refund was for (an after-sales case's line), 0 for a refund of the
-- order as a whole: a new invoice request takes a line's refund out of that line, at its
-- own VAT rate, and spreads only order-level refunds over every line.
ALTER TABLE invoice_refunds ADD COLUMN line_no INTEGER NOT NULL DEFAULT 0;
