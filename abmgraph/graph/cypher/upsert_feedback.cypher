// One Feedback node per stored verdict (so a verdict on a contact or account
// loaded later is kept), linked by HAS_FEEDBACK from its contact and its
// account once they exist.
UNWIND range(0, $count - 1) AS idx
WITH {{row}} AS row
MERGE (f:Feedback {_key: row._key})
WITH f, row, f._seq IS NULL AS created
SET f += row
WITH f, created
CALL (f) {
  MATCH (c:Contact {contact_id: f.contact_id})
  MERGE (c)-[:HAS_FEEDBACK]->(f)
}
CALL (f) {
  MATCH (a:Account {account_id: f.account_id})
  MERGE (a)-[:HAS_FEEDBACK]->(f)
}
RETURN count(CASE WHEN created THEN 1 END) AS created
