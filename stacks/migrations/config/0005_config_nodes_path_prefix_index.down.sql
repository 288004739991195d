DROP INDEX CONCURRENTLY IF EXISTS config.config_nodes_path_prefix_idx;
