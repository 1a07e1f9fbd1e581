// The nodes of one label whose key is in $ids, as `n`.
UNWIND $ids AS id
MATCH (n:{{label}})
WHERE n.{{key}} = id
