DROP TABLE maintenance.currencies;
DROP SCHEMA maintenance;
