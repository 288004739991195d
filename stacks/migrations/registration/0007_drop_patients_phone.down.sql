ALTER TABLE registration.patients ADD COLUMN phone text;
UPDATE registration.patients SET phone = phone_e164;
