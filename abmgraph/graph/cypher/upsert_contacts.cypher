// Replace the contacts' properties the rows carry (null removes one) and keep WORKS_AT,
// REPORTS_TO, WORKED_AT and explicit HAS_ROLE (one per role of the `;`-separated
// buying_role) in step with them. A new contact
// (no _seq yet: every stored row has one) also picks up the reports, events and
// deal roles loaded before it.
UNWIND range(0, $count - 1) AS idx
WITH {{row}} AS row
MERGE (c:Contact {contact_id: row.contact_id})
WITH c, row, c._seq IS NULL AS created
// An empty cell never lifts an opt-out, a bounce or a consent decision: only a value does.
SET c += row {
  .*,
  opted_out: coalesce(row.opted_out, c.opted_out),
  // `invalid` judged the old address: a row that carries email_status re-judges it.
  email_status: coalesce(
    row.email_status,
    CASE WHEN c.email_status = 'invalid' AND 'email_status' IN keys(row) THEN null
         ELSE c.email_status END
  ),
  consent: coalesce(row.consent, c.consent)
}
WITH c, created
CALL (c, created) {
  WITH c WHERE NOT created
  MATCH (c)-[r:WORKS_AT|REPORTS_TO|WORKED_AT|HAS_ROLE]->(x)
  WITH c, r, x, type(r) AS t
  WHERE (t = 'WORKS_AT' AND coalesce(x.account_id <> c.account_id, true))
     OR (t = 'REPORTS_TO' AND coalesce(x.contact_id <> c.manager_id, true))
     OR (t = 'WORKED_AT' AND NOT x.account_id IN coalesce(split(c.previous_account_ids, ';'), []))
     OR (t = 'HAS_ROLE' AND r.source = 'explicit'
         AND NOT x.name IN coalesce(split(c.buying_role, ';'), []))
  DELETE r
}
CALL (c) {
  MATCH (a:Account {account_id: c.account_id})
  MERGE (c)-[:WORKS_AT]->(a)
}
CALL (c) {
  MATCH (m:Contact {contact_id: c.manager_id})
  MERGE (c)-[:REPORTS_TO]->(m)
}
CALL (c) {
  UNWIND coalesce(split(c.previous_account_ids, ';'), []) AS account_id
  MATCH (a:Account {account_id: account_id})
  MERGE (c)-[:WORKED_AT]->(a)
}
CALL (c) {
  UNWIND coalesce(split(c.buying_role, ';'), []) AS name
  WITH c, name WHERE name <> ''
  MERGE (role:Role {name: name})
  MERGE (c)-[:HAS_ROLE {source: 'explicit'}]->(role)
}
CALL (c, created) {
  WITH c WHERE created
  CALL (c) {
    MATCH (report:Contact {manager_id: c.contact_id})
    MERGE (report)-[:REPORTS_TO]->(c)
  }
  CALL (c) {
    MATCH (e:AwaitingContact {contact_id: c.contact_id})
    REMOVE e:AwaitingContact, e.contact_id
    // epochMillis rounds down before 1970 (epochSeconds would round toward zero).
    WITH c, e, e.occurred_at.epochMillis * 1000 + e.occurred_at.microsecond % 1000 AS occurred_us
    CREATE (c)-[:PERFORMED {type: e.type, occurred_us: occurred_us}]->(e)
  }
  CALL (c) {
    MATCH (link:OpportunityContact {contact_id: c.contact_id})
    MATCH (o:Opportunity {opportunity_id: link.opportunity_id})
    MERGE (c)-[r:CONTACT_ROLE]->(o)
    SET r.role = link.role, r.is_primary = link.is_primary
  }
}
RETURN count(CASE WHEN created THEN 1 END) AS created
