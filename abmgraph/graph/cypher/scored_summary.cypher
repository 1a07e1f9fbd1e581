// How many nodes of one label carry stored scores, and the oldest as_of among
// them (epoch microseconds; `scored_as_of` when the table has an as_of column).
MATCH (n:{{label}})
WHERE n._score_run IS NOT NULL
RETURN [count(n), min(coalesce(n.scored_as_of, n.as_of))] AS summary
