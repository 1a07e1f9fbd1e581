// The nodes of one label that carry the scores of run $run, as `n`.
MATCH (n:{{label}})
WHERE n._score_run = $run
