-- readiness: contract - no release reads or writes patients.phone any more (expanded in 0006).
ALTER TABLE registration.patients DROP COLUMN phone;
