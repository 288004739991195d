DROP TABLE maintenance.vendor_invoices;
DROP TABLE maintenance.vendors;
