// Follows a match_* prelude binding accounts as `n`. The deals people now at
// these accounts were on at another account they worked at before: one row
// per (contact, opportunity), by contact_id then opportunity_id.
MATCH (n)<-[:WORKS_AT]-(c:Contact)-[:WORKED_AT]->(before:Account)
WHERE before <> n
MATCH (before)-[:HAS_OPPORTUNITY]->(deal:Opportunity)<-[:CONTACT_ROLE]-(c)
RETURN DISTINCT n.account_id AS account_id,
       c.contact_id AS contact_id,
       before.account_id AS from_account_id,
       deal.opportunity_id AS opportunity_id
ORDER BY contact_id, opportunity_id
