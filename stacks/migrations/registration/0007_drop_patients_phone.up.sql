-- readiness: contract - no release reads or writes patients.phone any more (expanded in 0006).
-- Fail fast rather than queue traffic behind this migration's locks on live tables (see migrations-lock-safety).
SET lock_timeout = '5s';
ALTER TABLE registration.patients DROP COLUMN phone;
