// Replace opportunities' table properties and keep HAS_OPPORTUNITY in step
// with account_id. A new opportunity picks up contact roles loaded before it.
UNWIND range(0, $count - 1) AS idx
WITH {{row}} AS row
MERGE (o:Opportunity {opportunity_id: row.opportunity_id})
WITH o, row, o._seq IS NULL AS created
SET o += row
WITH o, created
CALL (o) {
  MATCH (a:Account)-[r:HAS_OPPORTUNITY]->(o)
  WHERE coalesce(a.account_id <> o.account_id, true)
  DELETE r
}
CALL (o) {
  MATCH (a:Account {account_id: o.account_id})
  MERGE (a)-[:HAS_OPPORTUNITY]->(o)
}
CALL (o, created) {
  WITH o WHERE created
  MATCH (link:OpportunityContact {opportunity_id: o.opportunity_id})
  MATCH (c:Contact {contact_id: link.contact_id})
  MERGE (c)-[r:CONTACT_ROLE]->(o)
  SET r.role = link.role, r.is_primary = link.is_primary
}
RETURN count(CASE WHEN created THEN 1 END) AS created
