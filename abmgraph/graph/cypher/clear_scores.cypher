// Remove the score properties of earlier runs ($cleared maps each to null).
MATCH (n:{{label}})
WHERE n._score_run IS NOT NULL AND n._score_run <> $run
CALL (n) {
  SET n += $cleared
} IN TRANSACTIONS OF 10000 ROWS
