// Follows a match_* prelude binding contacts as `n`. Per contact and type,
// the events with $start_us <= occurred_us <= $as_of_us: count, sum of
// half-life weights 0.5 ^ (age_days / $half_life_days), events in the last
// $recent_days and in the $prior_days before, and the latest occurred_us.
// It reads the copies of type and occurred_us on PERFORMED, so the walk never
// leaves the contact's relationships, and it always starts from the contacts
// (a plan cached on a small graph could otherwise start from an index).
// Contacts are aggregated $chunk at a time so memory stays bounded, and each
// step returns one record holding a list per column.
WITH collect(n) AS contacts
UNWIND range(0, size(contacts) - 1, $chunk) AS first
CALL (contacts, first) {
  UNWIND contacts[first..first + $chunk] AS c
  MATCH (c)-[event:PERFORMED]->()
  // Each property is read once: every read walks the relationship's properties.
  WITH c, event.type AS type, event.occurred_us AS at
  WHERE $start_us <= at <= $as_of_us
  WITH c, type, at, ($as_of_us - at) / 86400000000.0 AS age_days
  WITH c, type,
       count(*) AS events,
       sum(0.5 ^ (age_days / $half_life_days)) AS decayed,
       sum(CASE WHEN age_days < $recent_days THEN 1 ELSE 0 END) AS recent,
       sum(CASE WHEN $recent_days <= age_days < $recent_prior_days THEN 1 ELSE 0 END) AS prior,
       max(at) AS last_us
  RETURN [collect(c.contact_id), collect(type), collect(events), collect(decayed),
          collect(recent), collect(prior), collect(last_us)] AS columns
}
RETURN columns
