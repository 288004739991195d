-- Transactional outbox. The relay reads every tenant's events as its own role with BYPASSRLS.
CREATE TABLE registration.outbox (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id       uuid NOT NULL,
  aggregate_type  text NOT NULL,
  aggregate_id    uuid NOT NULL,
  event_type      text NOT NULL,
  payload         jsonb NOT NULL,
  occurred_at     timestamptz NOT NULL DEFAULT now(),
  published_at    timestamptz
);
CREATE INDEX outbox_unpublished_idx ON registration.outbox (occurred_at) WHERE published_at IS NULL;

ALTER TABLE registration.outbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE registration.outbox FORCE ROW LEVEL SECURITY;
CREATE POLICY outbox_tenant ON registration.outbox
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
