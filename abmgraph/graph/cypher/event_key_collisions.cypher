// Events of $keys whose key is a stored event's key while the stored event is
// another one: how many, and the event ids of the first such pair.
// The same event has the same event_id ($ids) or, when neither has one, the
// same fields its key was derived from: contact, type, time ($occurred_s and
// $occurred_ns, epoch seconds and nanoseconds), asset, campaign and channel.
// A field the rows do not carry (its parameter null) is not compared. A linked
// event keeps its contact as the PERFORMED relationship's start.
UNWIND range(0, size($keys) - 1) AS idx
MATCH (e:Engagement {event_key: $keys[idx]})
WITH idx, e, $ids[idx] AS id
WHERE NOT CASE
  WHEN id IS NOT NULL OR e.event_id IS NOT NULL THEN coalesce(e.event_id = id, false)
  ELSE coalesce(e.contact_id, head([(c:Contact)-[:PERFORMED]->(e) | c.contact_id])) = $contacts[idx]
    AND e.type = $types[idx]
    AND e.occurred_at = datetime.fromepoch($occurred_s[idx], $occurred_ns[idx])
    AND ($assets IS NULL OR coalesce(e.asset = $assets[idx], e.asset IS NULL AND $assets[idx] IS NULL))
    AND ($campaigns IS NULL OR coalesce(e.campaign = $campaigns[idx], e.campaign IS NULL AND $campaigns[idx] IS NULL))
    AND ($channels IS NULL OR coalesce(e.channel = $channels[idx], e.channel IS NULL AND $channels[idx] IS NULL))
END
WITH idx, id, e.event_id AS stored
ORDER BY idx
RETURN count(*) AS differ, head(collect([id, stored])) AS first
