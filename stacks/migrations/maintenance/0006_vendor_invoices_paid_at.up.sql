-- Expand: record when and how much of an invoice was paid (nullable, no default: no table rewrite).
ALTER TABLE maintenance.vendor_invoices ADD COLUMN paid_at timestamptz;
ALTER TABLE maintenance.vendor_invoices ADD COLUMN paid_amount_micros bigint;
