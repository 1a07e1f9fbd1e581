// Follows a match_* prelude. The matched nodes' properties, $chunk nodes per
// record, as one list per name in $columns (few large columnar records read
// far faster than many small ones). Each node's properties are read once, as
// a map: looking names up one by one would walk its property chain each time.
// Temporal values leave as epoch microseconds.
WITH collect(n) AS nodes
UNWIND range(0, size(nodes) - 1, $chunk) AS first
WITH [n IN nodes[first..first + $chunk] | properties(n)] AS chunk
RETURN [column IN $columns |
  CASE
    WHEN column IN $temporal
      THEN [p IN chunk | p[column].epochSeconds * 1000000 + p[column].nanosecond / 1000]
    ELSE [p IN chunk | p[column]]
  END] AS columns
