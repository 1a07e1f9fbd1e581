// WORKED_AT from contacts' job history to these accounts, once they exist.
// The history is a `;`-separated list, which no index can look into, so this
// runs once per accounts load rather than once per account.
MATCH (c:Contact)
WHERE c.previous_account_ids IS NOT NULL
CALL (c) {
  UNWIND split(c.previous_account_ids, ';') AS previous
  WITH DISTINCT previous
  WHERE previous IN $account_ids
  MATCH (a:Account {account_id: previous})
  MERGE (c)-[:WORKED_AT]->(a)
} IN TRANSACTIONS OF 10000 ROWS
