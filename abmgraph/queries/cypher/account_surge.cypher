// Positive engagement per account in two windows ending at $as_of_us (epoch
// microseconds): the last $recent_days days and the $recent_days before.
// Events are those of engagement_summary: $start_us <= occurred_us <=
// $as_of_us, aged in days the same way; each counts its type's points from
// $points (types not in it count nothing). One row per account with a
// counted event, by account_id.
MATCH (a:Account)<-[:WORKS_AT]-(c:Contact)-[event:PERFORMED]->()
WHERE $start_us <= event.occurred_us <= $as_of_us AND event.type IN keys($points)
WITH a, c, $points[event.type] AS points,
     ($as_of_us - event.occurred_us) / 86400000000.0 AS age_days
WITH a, c, points,
     age_days < $recent_days AS recent,
     $recent_days <= age_days < $both_days AS prior
RETURN a.account_id AS account_id,
       sum(CASE WHEN recent THEN 1 ELSE 0 END) AS recent_events,
       sum(CASE WHEN prior THEN 1 ELSE 0 END) AS prior_events,
       sum(CASE WHEN recent THEN points ELSE 0.0 END) AS recent_points,
       sum(CASE WHEN prior THEN points ELSE 0.0 END) AS prior_points,
       count(DISTINCT CASE WHEN recent THEN c END) AS recent_contacts,
       count(DISTINCT CASE WHEN prior THEN c END) AS prior_contacts
ORDER BY account_id
