-- Fail fast rather than queue traffic behind this migration's locks on live tables (see migrations-lock-safety).
SET lock_timeout = '5s';

CREATE TABLE maintenance.vendors (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id   uuid NOT NULL,
  name        text NOT NULL,
  vat_number  text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT vendors_tenant_id_id_key UNIQUE (tenant_id, id)
);

CREATE TABLE maintenance.vendor_invoices (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id       uuid NOT NULL,
  vendor_id       uuid NOT NULL,
  work_order_id   uuid,
  invoice_number  text NOT NULL,
  amount_micros   bigint NOT NULL CHECK (amount_micros >= 0),
  tax_micros      bigint NOT NULL DEFAULT 0 CHECK (tax_micros >= 0),
  currency        char(3) NOT NULL REFERENCES maintenance.currencies (code),
  issued_on       date NOT NULL,
  due_on          date,
  CONSTRAINT vendor_invoices_vendor_fkey FOREIGN KEY (tenant_id, vendor_id)
    REFERENCES maintenance.vendors (tenant_id, id),
  CONSTRAINT vendor_invoices_work_order_fkey FOREIGN KEY (tenant_id, work_order_id)
    REFERENCES maintenance.work_orders (tenant_id, id),
  CONSTRAINT vendor_invoices_number_key UNIQUE (tenant_id, vendor_id, invoice_number)
);

ALTER TABLE maintenance.vendors ENABLE ROW LEVEL SECURITY;
ALTER TABLE maintenance.vendors FORCE ROW LEVEL SECURITY;
CREATE POLICY vendors_tenant ON maintenance.vendors
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE maintenance.vendor_invoices ENABLE ROW LEVEL SECURITY;
ALTER TABLE maintenance.vendor_invoices FORCE ROW LEVEL SECURITY;
CREATE POLICY vendor_invoices_tenant ON maintenance.vendor_invoices
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
