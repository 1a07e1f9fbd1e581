// Insert events whose event_key is not stored yet (a re-ingest adds nothing)
// and link each to its contact. occurred_at arrives as [epoch seconds, nanos].
// PERFORMED carries type and occurred_us too, so the engagement summary reads
// relationships only and never touches the (much larger) event nodes.
UNWIND $rows AS row
OPTIONAL MATCH (known:Engagement {event_key: row.event_key})
WITH row WHERE known IS NULL
CREATE (e:Engagement)
SET e = row,
    e.occurred_at = CASE WHEN row.occurred_at IS NOT NULL
      THEN datetime.fromepoch(row.occurred_at[0], row.occurred_at[1]) END
WITH e
CALL (e) {
  MATCH (c:Contact {contact_id: e.contact_id})
  CREATE (c)-[:PERFORMED {type: e.type, occurred_us: e.occurred_us}]->(e)
}
RETURN count(e) AS created
