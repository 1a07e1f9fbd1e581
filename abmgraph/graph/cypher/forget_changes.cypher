// Drop the change entries a score run consumed (numbered $upto and before).
MATCH (c:ChangeLog)
WHERE c.seq <= $upto
DELETE c
