// Whether a node of the label carries the scores of a run other than $run: a
// scoring run that is being written, or that stopped part-way (the record of
// the scores names the last complete run, and a complete run clears the rest).
RETURN EXISTS {
  MATCH (n:{{label}})
  WHERE n._score_run IS NOT NULL AND n._score_run <> $run
} AS other
