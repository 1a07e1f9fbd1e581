// Set score properties on the scored nodes (null removes one); the row holds
// the key too, which it sets to the value it already has. Counts the nodes
// that held no scores before: a partial run adds them to the rows stored.
UNWIND range(0, $count - 1) AS idx
WITH {{row}} AS row
MATCH (n:{{label}})
WHERE n.{{key}} = row.{{key}}
WITH n, row, n._score_run IS NULL AS unscored
SET n += row
RETURN count(CASE WHEN unscored THEN 1 END) AS newly_scored
