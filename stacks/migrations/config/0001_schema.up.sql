-- Config service schema, and the catalog of setting keys (reference data shared by every tenant).
CREATE SCHEMA IF NOT EXISTS config;

CREATE TABLE config.setting_definitions (
  key          text PRIMARY KEY,
  value_type   text NOT NULL DEFAULT 'string' CHECK (value_type IN ('string', 'number', 'boolean', 'json')),
  description  text NOT NULL DEFAULT '',
  created_at   timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE config.setting_definitions IS 'readiness:global - the catalog of setting keys, shared by every tenant';

INSERT INTO config.setting_definitions (key, value_type, description) VALUES
  ('feature.flags', 'json', 'Feature flags of a node'),
  ('locale.default', 'string', 'Default locale'),
  ('session.idle_timeout_seconds', 'number', 'Idle session timeout');
