DROP TABLE registration.patients;
