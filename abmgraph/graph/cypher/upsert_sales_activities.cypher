// One SalesActivity node per rep touch, linked by TOUCHED from the contact and
// the account it was aimed at. Kept apart from Engagement and PERFORMED: a
// rep's outreach is not the buyer's engagement and never reaches a score.
UNWIND range(0, $count - 1) AS idx
WITH {{row}} AS row
MERGE (s:SalesActivity {activity_id: row.activity_id})
WITH s, row, s._seq IS NULL AS created
SET s += row
WITH s, created
CALL (s) {
  MATCH (x)-[r:TOUCHED]->(s)
  WHERE (x:Contact AND coalesce(x.contact_id <> s.contact_id, true))
     OR (x:Account AND coalesce(x.account_id <> s.account_id, true))
  DELETE r
}
CALL (s) {
  MATCH (c:Contact {contact_id: s.contact_id})
  MERGE (c)-[:TOUCHED]->(s)
}
CALL (s) {
  MATCH (a:Account {account_id: s.account_id})
  MERGE (a)-[:TOUCHED]->(s)
}
RETURN count(CASE WHEN created THEN 1 END) AS created
