// Record what one write touches, before its rows are written: the next number
// of the change log, and one ChangeLog node holding the touched ids.
MERGE (m:AbmgraphMeta {key: 'changes'})
SET m.last = coalesce(m.last, 0) + 1
CREATE (c:ChangeLog {seq: m.last, accounts: $accounts, contacts: $contacts})
RETURN c.seq AS seq
