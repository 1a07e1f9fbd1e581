// One OpportunityContact node per stored row (so rows whose contact or
// opportunity is not loaded yet are kept), and a CONTACT_ROLE relationship
// carrying role and is_primary once both ends exist.
UNWIND range(0, $count - 1) AS idx
WITH {{row}} AS row
MERGE (link:OpportunityContact {_key: row._key})
WITH link, row, link._seq IS NULL AS created
SET link += row
WITH link, created
CALL (link) {
  MATCH (c:Contact {contact_id: link.contact_id})
  MATCH (o:Opportunity {opportunity_id: link.opportunity_id})
  MERGE (c)-[r:CONTACT_ROLE]->(o)
  SET r.role = link.role, r.is_primary = link.is_primary
}
RETURN count(CASE WHEN created THEN 1 END) AS created
