-- Transactional outbox: events written in the same transaction as the change they describe.
-- The relay reads every tenant's events as its own role with BYPASSRLS; the service role sees its tenant's.
CREATE TABLE config.outbox (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id       uuid NOT NULL,
  aggregate_type  text NOT NULL,
  aggregate_id    uuid NOT NULL,
  event_type      text NOT NULL,
  payload         jsonb NOT NULL,
  occurred_at     timestamptz NOT NULL DEFAULT now(),
  published_at    timestamptz
);
CREATE INDEX outbox_unpublished_idx ON config.outbox (occurred_at) WHERE published_at IS NULL;

ALTER TABLE config.outbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE config.outbox FORCE ROW LEVEL SECURITY;
CREATE POLICY outbox_tenant ON config.outbox
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
