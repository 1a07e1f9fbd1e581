// Replace opportunities' table properties and keep HAS_OPPORTUNITY in step
// with account_id. A new opportunity picks up contact roles loaded before it.
// Datetimes arrive as [epoch seconds, nanos].
UNWIND $rows AS row
MERGE (o:Opportunity {opportunity_id: row.opportunity_id})
WITH o, row, o._seq IS NULL AS created
SET o += row,
    o.created_at = CASE WHEN row.created_at IS NOT NULL
      THEN datetime.fromepoch(row.created_at[0], row.created_at[1]) END,
    o.closed_at = CASE WHEN row.closed_at IS NOT NULL
      THEN datetime.fromepoch(row.closed_at[0], row.closed_at[1]) END
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
