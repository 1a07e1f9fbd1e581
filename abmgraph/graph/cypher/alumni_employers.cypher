// The accounts where people who worked at these accounts ($account_ids,
// WORKED_AT) work now, distinct, by account_id.
UNWIND $account_ids AS id
MATCH (:Account {account_id: id})<-[:WORKED_AT]-(:Contact)-[:WORKS_AT]->(now:Account)
RETURN DISTINCT now.account_id AS account_id
ORDER BY account_id
