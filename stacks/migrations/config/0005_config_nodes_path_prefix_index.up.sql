-- Subtree lookups (path LIKE '/a/b/%'). config_nodes is live by now: build the index
-- concurrently, in a migration of its own, outside a transaction.
CREATE INDEX CONCURRENTLY IF NOT EXISTS config_nodes_path_prefix_idx
  ON config.config_nodes (tenant_id, path text_pattern_ops);
