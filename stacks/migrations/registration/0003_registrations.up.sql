-- Fail fast rather than queue traffic behind this migration's locks on live tables (see migrations-lock-safety).
SET lock_timeout = '5s';

CREATE TYPE registration.registration_status AS ENUM ('pending', 'confirmed', 'cancelled');

CREATE TABLE registration.registrations (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id      uuid NOT NULL,
  patient_id     uuid NOT NULL,
  clinic_code    text NOT NULL,
  status         registration.registration_status NOT NULL DEFAULT 'pending',
  registered_at  timestamptz NOT NULL DEFAULT now(),
  cancelled_at   timestamptz,
  -- The tenant is part of the key: a registration can only point at a patient of its own tenant.
  CONSTRAINT registrations_patient_fkey FOREIGN KEY (tenant_id, patient_id)
    REFERENCES registration.patients (tenant_id, id) ON DELETE RESTRICT
);
CREATE INDEX registrations_patient_idx ON registration.registrations (tenant_id, patient_id);

ALTER TABLE registration.registrations ENABLE ROW LEVEL SECURITY;
ALTER TABLE registration.registrations FORCE ROW LEVEL SECURITY;
CREATE POLICY registrations_tenant ON registration.registrations
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
