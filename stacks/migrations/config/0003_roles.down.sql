DROP TABLE config.role_assignments;
DROP TABLE config.roles;
