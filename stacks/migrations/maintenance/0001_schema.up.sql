CREATE SCHEMA IF NOT EXISTS maintenance;

-- ISO 4217 currencies and their minor units: reference data shared by every tenant.
CREATE TABLE maintenance.currencies (
  code         char(3) PRIMARY KEY,
  minor_units  smallint NOT NULL
);
COMMENT ON TABLE maintenance.currencies IS 'readiness:global - ISO 4217 reference data';

INSERT INTO maintenance.currencies (code, minor_units) VALUES ('EUR', 2), ('GBP', 2), ('USD', 2), ('JPY', 0);
