DROP TABLE config.setting_definitions;
DROP SCHEMA config;
