-- Expand: record when and how much of an invoice was paid (nullable, no default: no table rewrite).
-- Fail fast rather than queue traffic behind this migration's locks on live tables (see migrations-lock-safety).
SET lock_timeout = '5s';
ALTER TABLE maintenance.vendor_invoices ADD COLUMN paid_at timestamptz;
ALTER TABLE maintenance.vendor_invoices ADD COLUMN paid_amount_micros bigint;
