// Follows a match_* prelude binding accounts as `n`. Every member of the
// corporate family of each: the accounts linked to it through SUBSIDIARY_OF
// in either direction (a variable-length match never reuses a relationship,
// so cycles end), and `family`, the smallest account_id among them. An
// account with no relative (a self-parent alone) has no row.
MATCH (n)-[:SUBSIDIARY_OF*1..]-(relative:Account)
WHERE relative <> n
WITH n, collect(DISTINCT relative) AS relatives
WITH [n] + relatives AS members
WITH members,
     reduce(low = members[0].account_id, m IN members |
            CASE WHEN m.account_id < low THEN m.account_id ELSE low END) AS family
UNWIND members AS member
RETURN DISTINCT member.account_id AS account_id, family
ORDER BY account_id
