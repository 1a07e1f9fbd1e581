// Set score properties on the scored nodes (null removes one); the row holds
// the key too, which it sets to the value it already has.
UNWIND range(0, $count - 1) AS idx
WITH {{row}} AS row
MATCH (n:{{label}})
WHERE n.{{key}} = row.{{key}}
SET n += row
RETURN count(n) AS written
