ALTER TABLE maintenance.vendor_invoices DROP COLUMN paid_amount_micros;
ALTER TABLE maintenance.vendor_invoices DROP COLUMN paid_at;
