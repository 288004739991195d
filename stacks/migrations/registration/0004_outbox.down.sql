DROP TABLE registration.outbox;
