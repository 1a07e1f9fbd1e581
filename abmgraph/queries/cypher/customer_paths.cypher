// The shortest people-path from each customer to one account ($account_id),
// through employment only: WORKS_AT and WORKED_AT, in either direction, at
// most two people (four relationships). A path never passes through the
// target or another customer (the nearer customer is the better start). Ties
// go to the path whose ids, read from the customer, sort first, then to
// current over past employment at each step. `nodes` and `rels` read from the
// customer to the target; one row per reachable customer, by customer_id.
MATCH (target:Account {account_id: $account_id})
MATCH route = (target)-[:WORKS_AT|WORKED_AT*2..4]-(customer:Account)
WHERE customer <> target
  AND (coalesce(customer.is_customer, false)
       OR EXISTS { (customer)-[:HAS_OPPORTUNITY]->(won:Opportunity) WHERE won.is_won })
  AND none(n IN nodes(route)[1..-1]
           WHERE n = target
              OR (n:Account
                  AND (coalesce(n.is_customer, false)
                       OR EXISTS { (n)-[:HAS_OPPORTUNITY]->(won:Opportunity) WHERE won.is_won })))
WITH customer, route,
     reverse([n IN nodes(route) | coalesce(n.contact_id, n.account_id)]) AS ids,
     reverse([r IN relationships(route) | type(r) <> 'WORKS_AT']) AS past
ORDER BY customer.account_id, length(route), ids, past
WITH customer, collect(route)[0] AS route
RETURN customer.account_id AS customer_id,
       [n IN reverse(nodes(route)) | CASE WHEN n:Account
          THEN {id: n.account_id, label: 'Account', name: n.name}
          ELSE {id: n.contact_id, label: 'Contact', first_name: n.first_name,
                last_name: n.last_name, title: n.title, score: n[$contact_score.score]}
       END] AS nodes,
       [r IN reverse(relationships(route)) | type(r)] AS rels
ORDER BY customer_id
