-- pg_trgm powers fuzzy patient search (trigram indexes on names). It is a trusted extension:
-- the database owner creates it without superuser rights.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE SCHEMA IF NOT EXISTS registration;
