// The people at one account ($account_id) with their place in its org chart
// and their scores, one row per contact, by contact_id. The org chart is the
// REPORTS_TO relationships among the account's own contacts: `manager_id` is
// the colleague a contact reports to (themselves on a self-report), `above`
// and `below` count the distinct colleagues up and down the reporting lines.
// Variable-length matches never reuse a relationship, so a reporting cycle
// ends a walk instead of looping. (A contact works at an account exactly when
// its account_id names it, which is what the path predicates test.)
MATCH (a:Account {account_id: $account_id})<-[:WORKS_AT]-(c:Contact)
OPTIONAL MATCH (c)-[:REPORTS_TO]->(m:Contact {account_id: $account_id})
CALL (c) {
  OPTIONAL MATCH up = (c)-[:REPORTS_TO*]->(x:Contact)
  WHERE x <> c AND all(n IN nodes(up) WHERE n.account_id = $account_id)
  RETURN count(DISTINCT x) AS above
}
CALL (c) {
  OPTIONAL MATCH down = (x:Contact)-[:REPORTS_TO*]->(c)
  WHERE x <> c AND all(n IN nodes(down) WHERE n.account_id = $account_id)
  RETURN count(DISTINCT x) AS below
}
RETURN c.contact_id AS contact_id,
       c.first_name AS first_name,
       c.last_name AS last_name,
       c.title AS title,
       c.seniority AS seniority,
       c.department AS department,
       m.contact_id AS manager_id,
       above,
       below,
       c[$contact_score.score] AS score,
       c[$contact_score.engagement_score] AS engagement_score,
       c[$contact_score.engaged] AS engaged,
       c[$contact_score.roles] AS roles,
       c[$contact_score.role_source] AS role_source
ORDER BY contact_id
