// Remove one bookkeeping record.
MATCH (m:AbmgraphMeta {key: $key})
DELETE m
