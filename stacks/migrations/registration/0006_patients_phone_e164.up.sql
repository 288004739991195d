-- Expand: phone numbers move to a normalized E.164 column. The running release keeps writing
-- phone; the next one writes both and reads phone_e164. 0007 contracts.
-- Fail fast rather than queue traffic behind this migration's locks on live tables (see migrations-lock-safety).
SET lock_timeout = '5s';
ALTER TABLE registration.patients ADD COLUMN phone_e164 text;
UPDATE registration.patients SET phone_e164 = phone WHERE phone IS NOT NULL AND phone_e164 IS NULL;
