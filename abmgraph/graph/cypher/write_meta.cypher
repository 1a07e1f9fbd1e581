// Replace one bookkeeping record.
MERGE (m:AbmgraphMeta {key: $key})
SET m = $properties, m.key = $key
