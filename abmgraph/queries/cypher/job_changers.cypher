// Job changers at one account ($account_id): its contacts who used to work at
// a customer (WORKED_AT) or were on a customer's closed-won opportunity
// (CONTACT_ROLE). A customer is an account flagged is_customer or holding a
// won opportunity, other than the target itself. One row per contact and
// customer, by contact_id then customer_id; `via` and `deals` sorted.
MATCH (target:Account {account_id: $account_id})<-[:WORKS_AT]-(person:Contact)
CALL (target, person) {
  MATCH (person)-[:WORKED_AT]->(customer:Account)
  WHERE customer <> target
    AND (coalesce(customer.is_customer, false)
         OR EXISTS { (customer)-[:HAS_OPPORTUNITY]->(won:Opportunity) WHERE won.is_won })
  RETURN customer, 'worked_at' AS via, null AS deal
  UNION
  MATCH (person)-[:CONTACT_ROLE]->(won:Opportunity)<-[:HAS_OPPORTUNITY]-(customer:Account)
  WHERE won.is_won AND customer <> target
  RETURN customer, 'won_deal' AS via, won.opportunity_id AS deal
}
WITH person, customer, via, deal
ORDER BY via, deal
WITH person, customer, collect(DISTINCT via) AS via, collect(DISTINCT deal) AS deals
RETURN person.contact_id AS contact_id,
       person.first_name AS first_name,
       person.last_name AS last_name,
       person.title AS title,
       person[$contact_score.score] AS score,
       customer.account_id AS customer_id,
       customer.name AS customer_name,
       via,
       deals
ORDER BY contact_id, customer_id
