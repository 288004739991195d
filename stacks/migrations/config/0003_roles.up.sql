-- Roles. System roles (tenant_id NULL, seeded here) are shared read-only by every tenant;
-- a tenant adds its own roles and assigns roles to subjects on nodes of its tree.
-- Fail fast rather than queue traffic behind this migration's locks on live tables (see migrations-lock-safety).
SET lock_timeout = '5s';
CREATE TABLE config.roles (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id    uuid,
  name         text NOT NULL,
  permissions  text[] NOT NULL DEFAULT '{}',
  is_system    boolean GENERATED ALWAYS AS (tenant_id IS NULL) STORED,
  created_at   timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT roles_tenant_name_key UNIQUE NULLS NOT DISTINCT (tenant_id, name)
);

INSERT INTO config.roles (tenant_id, name, permissions) VALUES
  (NULL, 'admin', ARRAY['config:read', 'config:write', 'roles:manage']),
  (NULL, 'editor', ARRAY['config:read', 'config:write']),
  (NULL, 'viewer', ARRAY['config:read']);

CREATE TABLE config.role_assignments (
  tenant_id   uuid NOT NULL,
  role_id     uuid NOT NULL REFERENCES config.roles (id),
  node_id     uuid NOT NULL REFERENCES config.config_nodes (id) ON DELETE CASCADE,
  subject     text NOT NULL,
  granted_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, role_id, node_id, subject)
);
CREATE INDEX role_assignments_subject_idx ON config.role_assignments (tenant_id, subject);

ALTER TABLE config.roles ENABLE ROW LEVEL SECURITY;
ALTER TABLE config.roles FORCE ROW LEVEL SECURITY;
CREATE POLICY roles_read ON config.roles FOR SELECT
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid OR tenant_id IS NULL);
CREATE POLICY roles_insert ON config.roles FOR INSERT
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
CREATE POLICY roles_update ON config.roles FOR UPDATE
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
CREATE POLICY roles_delete ON config.roles FOR DELETE
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE config.role_assignments ENABLE ROW LEVEL SECURITY;
ALTER TABLE config.role_assignments FORCE ROW LEVEL SECURITY;
-- FOR ALL with USING only: PostgreSQL applies USING as the WITH CHECK too.
CREATE POLICY role_assignments_tenant ON config.role_assignments
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
