-- Fail fast rather than queue traffic behind this migration's locks on live tables (see migrations-lock-safety).
SET lock_timeout = '5s';

CREATE TYPE maintenance.work_order_status AS ENUM ('open', 'scheduled', 'in_progress', 'done', 'cancelled');

-- Money is bigint micro-units of the row's currency (1 EUR = 1 000 000), never numeric or float.
CREATE TABLE maintenance.work_orders (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id              uuid NOT NULL,
  asset_ref              text NOT NULL,
  title                  text NOT NULL,
  status                 maintenance.work_order_status NOT NULL DEFAULT 'open',
  estimated_cost_micros  bigint NOT NULL DEFAULT 0 CHECK (estimated_cost_micros >= 0),
  actual_cost_micros     bigint CHECK (actual_cost_micros >= 0),
  currency               char(3) NOT NULL DEFAULT 'EUR' REFERENCES maintenance.currencies (code),
  opened_at              timestamptz NOT NULL DEFAULT now(),
  closed_at              timestamptz,
  CONSTRAINT work_orders_tenant_id_id_key UNIQUE (tenant_id, id)
);
CREATE INDEX work_orders_open_idx ON maintenance.work_orders (tenant_id, opened_at) WHERE closed_at IS NULL;

ALTER TABLE maintenance.work_orders ENABLE ROW LEVEL SECURITY;
ALTER TABLE maintenance.work_orders FORCE ROW LEVEL SECURITY;
CREATE POLICY work_orders_tenant ON maintenance.work_orders
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
