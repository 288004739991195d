-- The configuration tree. Rows with tenant_id NULL form the GLOBAL tree: every tenant reads it,
-- no tenant writes it (migrations do, as the owner role with BYPASSRLS).
CREATE TYPE config.node_kind AS ENUM ('root', 'folder', 'leaf');

CREATE TABLE config.config_nodes (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id   uuid,
  parent_id   uuid REFERENCES config.config_nodes (id) ON DELETE CASCADE,
  path        text NOT NULL,
  kind        config.node_kind NOT NULL DEFAULT 'leaf',
  settings    jsonb NOT NULL DEFAULT '{}'::jsonb,
  version     bigint NOT NULL DEFAULT 1,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT config_nodes_tenant_path_key UNIQUE NULLS NOT DISTINCT (tenant_id, path)
);
-- The table is created by this migration, so the index needs no CONCURRENTLY.
CREATE INDEX config_nodes_tenant_parent_idx ON config.config_nodes (tenant_id, parent_id);

-- The GLOBAL root node.
INSERT INTO config.config_nodes (id, tenant_id, parent_id, path, kind)
VALUES ('00000000-0000-0000-0000-000000000001', NULL, NULL, '/', 'root');

ALTER TABLE config.config_nodes ENABLE ROW LEVEL SECURITY;
ALTER TABLE config.config_nodes FORCE ROW LEVEL SECURITY;

CREATE POLICY config_nodes_read ON config.config_nodes FOR SELECT
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid OR tenant_id IS NULL);
CREATE POLICY config_nodes_insert ON config.config_nodes FOR INSERT
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
CREATE POLICY config_nodes_update ON config.config_nodes FOR UPDATE
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
CREATE POLICY config_nodes_delete ON config.config_nodes FOR DELETE
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
