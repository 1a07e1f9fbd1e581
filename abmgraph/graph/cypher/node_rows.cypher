// Follows a match_* prelude. The matched nodes' properties, $chunk nodes per
// record, as one list per name in $columns (few large columnar records read
// far faster than many small ones). Temporal values leave as epoch
// microseconds.
WITH collect(n) AS nodes
UNWIND range(0, size(nodes) - 1, $chunk) AS first
WITH nodes[first..first + $chunk] AS chunk
RETURN [column IN $columns |
  CASE
    WHEN column IN $temporal
      THEN [n IN chunk | n[column].epochSeconds * 1000000 + n[column].nanosecond / 1000]
    ELSE [n IN chunk | n[column]]
  END] AS columns
