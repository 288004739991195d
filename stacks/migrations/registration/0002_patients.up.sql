CREATE TABLE registration.patients (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id    uuid NOT NULL,
  mrn          text NOT NULL,
  given_name   text NOT NULL,
  family_name  text NOT NULL,
  birth_date   date,
  phone        text,
  email        text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT patients_tenant_mrn_key UNIQUE (tenant_id, mrn),
  CONSTRAINT patients_tenant_id_id_key UNIQUE (tenant_id, id)
);
-- Fuzzy search on family names. The table is created by this migration: no CONCURRENTLY needed.
CREATE INDEX patients_family_name_trgm_idx ON registration.patients USING gin (family_name gin_trgm_ops);

ALTER TABLE registration.patients ENABLE ROW LEVEL SECURITY;
ALTER TABLE registration.patients FORCE ROW LEVEL SECURITY;
CREATE POLICY patients_tenant ON registration.patients
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
