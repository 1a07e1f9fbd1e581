// Per account and topic, from SHOWS_INTENT observations at or before
// $as_of_us (epoch microseconds): the latest score, first and last seen (epoch
// microseconds), the number of observations, and the latest score at or before
// $since_us (null when the topic was not seen by then). Only the accounts in
// $account_ids, or every account when it is null. By account_id, then topic.
// The accounts asked about are found through the account_id index; only a
// question about every account scans them.
CALL () {
  WITH $account_ids AS ids WHERE ids IS NOT NULL
  UNWIND ids AS id
  MATCH (a:Account {account_id: id})
  RETURN a
  UNION
  WITH $account_ids AS ids WHERE ids IS NULL
  MATCH (a:Account)
  RETURN a
}
MATCH (a)-[r:SHOWS_INTENT]->(t:Topic)
WITH a.account_id AS account_id, t.name AS topic, r.score AS score,
     r.observed_at.epochSeconds * 1000000 + r.observed_at.nanosecond / 1000 AS seen_us
WHERE seen_us <= $as_of_us
WITH account_id, topic, seen_us, score
ORDER BY account_id, topic, seen_us
WITH account_id, topic, collect(seen_us) AS seen, collect(score) AS scores
WITH account_id, topic, seen, scores,
     [i IN range(0, size(seen) - 1) WHERE seen[i] <= $since_us] AS before
RETURN account_id, topic,
       scores[-1] AS score,
       seen[0] AS first_us,
       seen[-1] AS last_us,
       size(seen) AS observations,
       CASE WHEN size(before) = 0 THEN null ELSE scores[before[-1]] END AS previous_score
ORDER BY account_id, topic
