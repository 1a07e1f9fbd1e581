// The nodes of one label whose row number falls in share $share of $shares,
// as `n`: a big read runs as one query per share, all at once.
MATCH (n:{{label}})
WHERE n._seq % $shares = $share
