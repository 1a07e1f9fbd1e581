// Reserve $count row sequence numbers and return the first: they order a
// table's rows as the embedded store orders them (insertion, re-upserts last).
MERGE (m:AbmgraphMeta {key: 'sequence'})
SET m.next = coalesce(m.next, 0) + $count
RETURN m.next - $count AS first
