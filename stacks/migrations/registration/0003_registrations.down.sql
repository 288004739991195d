DROP TABLE registration.registrations;
DROP TYPE registration.registration_status;
