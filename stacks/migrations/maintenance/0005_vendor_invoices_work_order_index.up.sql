-- Invoices of a work order. vendor_invoices is live: build the index concurrently,
-- in a migration of its own, outside a transaction.
CREATE INDEX CONCURRENTLY IF NOT EXISTS vendor_invoices_work_order_idx
  ON maintenance.vendor_invoices (tenant_id, work_order_id);
