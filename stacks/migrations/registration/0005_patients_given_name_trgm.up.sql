-- Fuzzy search on given names too. patients is live: build the index concurrently,
-- in a migration of its own, outside a transaction.
CREATE INDEX CONCURRENTLY IF NOT EXISTS patients_given_name_trgm_idx
  ON registration.patients USING gin (given_name gin_trgm_ops);
