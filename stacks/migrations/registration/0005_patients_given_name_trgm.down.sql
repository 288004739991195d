DROP INDEX CONCURRENTLY IF EXISTS registration.patients_given_name_trgm_idx;
