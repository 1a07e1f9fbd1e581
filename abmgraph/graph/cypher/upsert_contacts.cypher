// Replace contacts' table properties (null removes one) and keep WORKS_AT,
// REPORTS_TO, WORKED_AT and explicit HAS_ROLE in step with them. A new contact
// also picks up its reports, events and deal roles loaded before it.
UNWIND $rows AS row
OPTIONAL MATCH (known:Contact {contact_id: row.contact_id})
WITH row, known IS NULL AS created
MERGE (c:Contact {contact_id: row.contact_id})
SET c += row
WITH c, created, coalesce(split(c.previous_account_ids, ';'), []) AS previous
CALL (c) {
  MATCH (c)-[r:WORKS_AT]->(a:Account)
  WHERE coalesce(a.account_id <> c.account_id, true)
  DELETE r
}
CALL (c) {
  MATCH (a:Account {account_id: c.account_id})
  MERGE (c)-[:WORKS_AT]->(a)
}
CALL (c) {
  MATCH (c)-[r:REPORTS_TO]->(m:Contact)
  WHERE coalesce(m.contact_id <> c.manager_id, true)
  DELETE r
}
CALL (c) {
  MATCH (m:Contact {contact_id: c.manager_id})
  MERGE (c)-[:REPORTS_TO]->(m)
}
CALL (c, previous) {
  MATCH (c)-[r:WORKED_AT]->(a:Account)
  WHERE NOT a.account_id IN previous
  DELETE r
}
CALL (c, previous) {
  UNWIND previous AS account_id
  MATCH (a:Account {account_id: account_id})
  MERGE (c)-[:WORKED_AT]->(a)
}
CALL (c) {
  MATCH (c)-[r:HAS_ROLE {source: 'explicit'}]->(role:Role)
  WHERE coalesce(role.name <> c.buying_role, true)
  DELETE r
}
CALL (c) {
  WITH c WHERE c.buying_role IS NOT NULL
  MERGE (role:Role {name: c.buying_role})
  MERGE (c)-[:HAS_ROLE {source: 'explicit'}]->(role)
}
CALL (c, created) {
  WITH c WHERE created
  CALL (c) {
    MATCH (report:Contact {manager_id: c.contact_id})
    MERGE (report)-[:REPORTS_TO]->(c)
  }
  CALL (c) {
    MATCH (e:Engagement {contact_id: c.contact_id})
    MERGE (c)-[:PERFORMED]->(e)
  }
  CALL (c) {
    MATCH (link:OpportunityContact {contact_id: c.contact_id})
    MATCH (o:Opportunity {opportunity_id: link.opportunity_id})
    MERGE (c)-[r:CONTACT_ROLE]->(o)
    SET r.role = link.role, r.is_primary = link.is_primary
  }
}
RETURN count(CASE WHEN created THEN 1 END) AS created
