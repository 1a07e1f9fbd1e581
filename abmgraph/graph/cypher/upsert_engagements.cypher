// Insert events whose event_key ($keys) is not stored yet, so a re-ingest adds
// nothing, and link each to its contact. An event whose contact is not loaded
// yet is marked :AwaitingContact and linked when the contact arrives; only
// those are indexed by contact_id, so the bulk of events pays for one index.
// PERFORMED carries type and occurred_us too, so the engagement summary reads
// relationships only and never touches the (much larger) event nodes.
UNWIND range(0, $count - 1) AS idx
OPTIONAL MATCH (known:Engagement {event_key: $keys[idx]})
WITH idx WHERE known IS NULL
CREATE (e:Engagement {{row}})
WITH e
OPTIONAL MATCH (c:Contact {contact_id: e.contact_id})
FOREACH (_ IN CASE WHEN c IS NULL THEN [1] ELSE [] END | SET e:AwaitingContact)
FOREACH (_ IN CASE WHEN c IS NULL THEN [] ELSE [1] END |
  CREATE (c)-[:PERFORMED {type: e.type, occurred_us: e.occurred_us}]->(e)
)
RETURN count(e) AS created
