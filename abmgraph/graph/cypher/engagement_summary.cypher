// Follows a match_* prelude binding contacts as `n`. Per contact and type,
// the PERFORMED events with $start_us <= occurred_us <= $as_of_us: count, sum
// of half-life weights 0.5 ^ (age_days / $half_life_days), events in the last
// $recent_days and in the $prior_days before, and the latest occurred_us.
// Contacts are aggregated $chunk at a time so memory stays bounded. `e` has
// no label on purpose: the plan must expand from each contact, never start
// from the occurred_us index (which a plan cached on a small graph may pick).
WITH collect(n) AS contacts
UNWIND range(0, size(contacts) - 1, $chunk) AS first
CALL (contacts, first) {
  UNWIND contacts[first..first + $chunk] AS c
  MATCH (c)-[:PERFORMED]->(e)
  WHERE $start_us <= e.occurred_us <= $as_of_us
  WITH c, e.type AS type, e.occurred_us AS at,
       ($as_of_us - e.occurred_us) / 86400000000.0 AS age_days
  WITH c, type,
       count(*) AS events,
       sum(0.5 ^ (age_days / $half_life_days)) AS decayed,
       sum(CASE WHEN age_days < $recent_days THEN 1 ELSE 0 END) AS recent,
       sum(CASE WHEN $recent_days <= age_days < $recent_prior_days THEN 1 ELSE 0 END) AS prior,
       max(at) AS last_us
  RETURN collect([c.contact_id, type, events, decayed, recent, prior, last_us]) AS rows
}
RETURN rows
