// Follows a match_* prelude. The matched nodes as rows of property values in
// the order of $columns, $chunk rows per record (few large records read far
// faster than many small ones). Temporal values leave as epoch microseconds.
WITH collect(n) AS nodes
UNWIND range(0, size(nodes) - 1, $chunk) AS first
RETURN [n IN nodes[first..first + $chunk] |
  [column IN $columns |
    CASE
      WHEN column IN $temporal AND n[column] IS NOT NULL
        THEN n[column].epochSeconds * 1000000 + n[column].nanosecond / 1000
      ELSE n[column]
    END]] AS rows
