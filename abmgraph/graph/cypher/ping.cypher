// Checks that the database answers (and that the credentials are accepted).
RETURN 1 AS ok
