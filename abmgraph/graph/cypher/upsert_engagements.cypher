// Insert events whose event_key ($keys) is not stored yet, so a re-ingest adds
// nothing, and link each to its contact ($contacts). An event whose contact is
// not loaded yet is marked :AwaitingContact, keeps its contact_id and is linked
// when the contact arrives; only those are indexed by contact_id, so the bulk
// of events pays for one index, and a linked event holds no contact_id: the
// relationship says who. PERFORMED carries type and occurred_us ($occurred,
// epoch microseconds), so the engagement summary reads relationships only and
// never touches the (much larger) event nodes.
UNWIND range(0, $count - 1) AS idx
OPTIONAL MATCH (known:Engagement {event_key: $keys[idx]})
WITH idx WHERE known IS NULL
CREATE (e:Engagement {{row}})
WITH e, idx
OPTIONAL MATCH (c:Contact {contact_id: $contacts[idx]})
FOREACH (_ IN CASE WHEN c IS NULL THEN [1] ELSE [] END |
  SET e:AwaitingContact, e.contact_id = $contacts[idx]
)
FOREACH (_ IN CASE WHEN c IS NULL THEN [] ELSE [1] END |
  CREATE (c)-[:PERFORMED {type: e.type, occurred_us: $occurred[idx]}]->(e)
)
RETURN count(e) AS created
