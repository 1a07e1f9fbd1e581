// Set score properties on the scored nodes (null removes one).
UNWIND $rows AS row
MATCH (n:{{label}})
WHERE n.{{key}} = row.key
SET n += row.properties
RETURN count(n) AS written
