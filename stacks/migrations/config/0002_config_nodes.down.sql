DROP TABLE config.config_nodes;
DROP TYPE config.node_kind;
