// Replace accounts' table properties (null removes one) and keep SUBSIDIARY_OF
// in step with parent_account_id. A new account also picks up everything that
// was loaded before it and points at it (a new node has no _seq yet: every
// stored row has one).
UNWIND range(0, $count - 1) AS idx
WITH {{row}} AS row
MERGE (a:Account {account_id: row.account_id})
WITH a, row, a._seq IS NULL AS created
SET a += row
WITH a, created
CALL (a, created) {
  WITH a WHERE NOT created
  MATCH (a)-[r:SUBSIDIARY_OF]->(parent:Account)
  WHERE coalesce(parent.account_id <> a.parent_account_id, true)
  DELETE r
}
CALL (a) {
  MATCH (parent:Account {account_id: a.parent_account_id})
  MERGE (a)-[:SUBSIDIARY_OF]->(parent)
}
CALL (a, created) {
  WITH a WHERE created
  CALL (a) {
    MATCH (c:Contact {account_id: a.account_id})
    MERGE (c)-[:WORKS_AT]->(a)
  }
  CALL (a) {
    MATCH (child:Account {parent_account_id: a.account_id})
    MERGE (child)-[:SUBSIDIARY_OF]->(a)
  }
  CALL (a) {
    MATCH (o:Opportunity {account_id: a.account_id})
    MERGE (a)-[:HAS_OPPORTUNITY]->(o)
  }
  CALL (a) {
    MATCH (i:IntentObservation {account_id: a.account_id})
    WHERE i.topic IS NOT NULL AND i.observed_at IS NOT NULL
    MERGE (t:Topic {name: i.topic})
    MERGE (a)-[r:SHOWS_INTENT {observed_at: i.observed_at}]->(t)
    SET r.score = i.score
  }
}
RETURN count(CASE WHEN created THEN 1 END) AS created
