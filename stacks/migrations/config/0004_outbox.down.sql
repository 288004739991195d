DROP TABLE config.outbox;
