// The nodes of one label that carry stored scores, as `n`. A full run removes
// every earlier run's scores; a partial run adds its own to the nodes it
// rescored, so the scored nodes may carry several runs' ids.
MATCH (n:{{label}})
WHERE n._score_run IS NOT NULL
