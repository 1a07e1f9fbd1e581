// The ids touched by the writes numbered after $after, and the last number.
OPTIONAL MATCH (m:AbmgraphMeta {key: 'changes'})
OPTIONAL MATCH (c:ChangeLog)
WHERE c.seq > $after
RETURN coalesce(m.last, 0) AS last,
  collect(c.accounts) AS accounts,
  collect(c.contacts) AS contacts
