// Contacts who could champion a deal: engaged at the last scoring, at one of
// $seniorities, with their history: the customers they used to work at
// (WORKED_AT an account flagged is_customer or holding a won opportunity) and
// the closed-won deals they were on (CONTACT_ROLE). One row per contact by
// contact_id; `customers` and `deals` sorted.
MATCH (c:Contact)
WHERE c[$contact_score.engaged] AND c.seniority IN $seniorities
CALL (c) {
  OPTIONAL MATCH (c)-[:WORKED_AT]->(x:Account)
  WHERE coalesce(x.is_customer, false)
     OR EXISTS { (x)-[:HAS_OPPORTUNITY]->(won:Opportunity) WHERE won.is_won }
  WITH x.account_id AS customer
  ORDER BY customer
  RETURN collect(DISTINCT customer) AS customers
}
CALL (c) {
  OPTIONAL MATCH (c)-[:CONTACT_ROLE]->(won:Opportunity)
  WHERE won.is_won
  WITH won.opportunity_id AS deal
  ORDER BY deal
  RETURN collect(DISTINCT deal) AS deals
}
OPTIONAL MATCH (c)-[:WORKS_AT]->(a:Account)
RETURN c.contact_id AS contact_id,
       c.first_name AS first_name,
       c.last_name AS last_name,
       c.title AS title,
       c.seniority AS seniority,
       a.account_id AS account_id,
       a.name AS account_name,
       c[$contact_score.score] AS score,
       c[$contact_score.engagement_score] AS engagement_score,
       customers,
       deals
ORDER BY contact_id
