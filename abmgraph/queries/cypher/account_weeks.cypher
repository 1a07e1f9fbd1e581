// Engagement events per account, week and type for the accounts $account_ids:
// events with $start_us <= occurred_us <= $as_of_us (epoch microseconds),
// week 0 being the seven days up to $as_of_us, week 1 the seven before, and
// so on. Sorted by account_id, week, type.
UNWIND $account_ids AS id
MATCH (a:Account {account_id: id})<-[:WORKS_AT]-(:Contact)-[event:PERFORMED]->()
WHERE $start_us <= event.occurred_us <= $as_of_us
WITH a.account_id AS account_id,
     ($as_of_us - event.occurred_us) / 604800000000 AS week,
     event.type AS type
RETURN account_id, week, type, count(*) AS events
ORDER BY account_id, week, type
