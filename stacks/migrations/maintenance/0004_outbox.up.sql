-- Transactional outbox (the relay reads maintenance.outbox as its own role with BYPASSRLS).
CREATE TABLE maintenance.outbox (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id       uuid NOT NULL,
  aggregate_type  text NOT NULL,
  aggregate_id    uuid NOT NULL,
  event_type      text NOT NULL,
  payload         jsonb NOT NULL,
  occurred_at     timestamptz NOT NULL DEFAULT now(),
  published_at    timestamptz
);
CREATE INDEX outbox_unpublished_idx ON maintenance.outbox (occurred_at) WHERE published_at IS NULL;

ALTER TABLE maintenance.outbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE maintenance.outbox FORCE ROW LEVEL SECURITY;
CREATE POLICY outbox_tenant ON maintenance.outbox
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
