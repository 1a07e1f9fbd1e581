// One IntentObservation node per stored row (so rows for accounts not loaded
// yet are kept), and one SHOWS_INTENT relationship per observation, keyed by
// observed_at, once the account exists.
UNWIND range(0, $count - 1) AS idx
WITH {{row}} AS row
MERGE (i:IntentObservation {_key: row._key})
WITH i, row, i._seq IS NULL AS created
SET i += row
WITH i, created
CALL (i) {
  MATCH (a:Account {account_id: i.account_id})
  WHERE i.topic IS NOT NULL AND i.observed_at IS NOT NULL
  MERGE (t:Topic {name: i.topic})
  MERGE (a)-[r:SHOWS_INTENT {observed_at: i.observed_at}]->(t)
  SET r.score = i.score
}
RETURN count(CASE WHEN created THEN 1 END) AS created
