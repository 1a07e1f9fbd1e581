// Delete up to $batch nodes of one label with their relationships; run until
// it returns 0 (constraints and indexes stay).
MATCH (n:{{label}})
WITH n
LIMIT $batch
DETACH DELETE n
RETURN count(*) AS deleted
