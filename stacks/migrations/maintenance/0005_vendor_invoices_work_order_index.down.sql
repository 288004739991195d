DROP INDEX CONCURRENTLY IF EXISTS maintenance.vendor_invoices_work_order_idx;
