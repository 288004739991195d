DROP TABLE maintenance.outbox;
