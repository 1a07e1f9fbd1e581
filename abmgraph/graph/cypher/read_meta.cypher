// One bookkeeping record: table columns, scoring run, row sequence.
MATCH (m:AbmgraphMeta {key: $key})
RETURN properties(m) AS meta
