// Map each of $values to the key of the first stored node (in table order)
// whose property `by` equals it; values that match nothing are left out.
UNWIND $values AS value
MATCH (n:{{label}})
WHERE n.{{by}} = value
WITH value, n
ORDER BY n._seq
WITH value, collect(n.{{key}})[0] AS id
RETURN collect([value, id]) AS pairs
