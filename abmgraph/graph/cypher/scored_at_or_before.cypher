// Whether a node of one label still carries scores as of $as_of_us (epoch
// microseconds) or earlier; stops at the first one found.
MATCH (n:{{label}})
WHERE n._score_run IS NOT NULL AND coalesce(n.scored_as_of, n.as_of) <= $as_of_us
WITH n LIMIT 1
RETURN count(n) > 0 AS found
