// Every node of one label, as `n`.
MATCH (n:{{label}})
