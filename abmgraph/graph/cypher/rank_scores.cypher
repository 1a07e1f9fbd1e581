// Rank the scored accounts by priority (a table column named `priority` puts
// the score in `scored_priority`), ties by account_id, as the embedded store
// orders them; only ranks that move are written.
MATCH (n:Account)
WHERE n._score_run IS NOT NULL
WITH n ORDER BY coalesce(n.scored_priority, n.priority) DESC, n.account_id
WITH collect(n) AS ranked
UNWIND range(0, size(ranked) - 1) AS rank
WITH ranked[rank] AS n, rank
WHERE n._score_rank IS NULL OR n._score_rank <> rank
SET n._score_rank = rank
