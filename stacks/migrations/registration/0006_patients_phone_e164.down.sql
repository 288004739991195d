ALTER TABLE registration.patients DROP COLUMN phone_e164;
