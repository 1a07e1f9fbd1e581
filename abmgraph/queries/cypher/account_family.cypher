// The corporate family of one account ($account_id): every account linked to
// it through SUBSIDIARY_OF in either direction (a variable-length match never
// reuses a relationship, so hierarchy cycles end). One row per member by
// account_id: its parent (the account it is a subsidiary of, itself on a
// self-reference), its scores, and the sorted departments of its engaged
// contacts.
MATCH (:Account {account_id: $account_id})-[:SUBSIDIARY_OF*0..]-(member:Account)
WITH DISTINCT member
OPTIONAL MATCH (member)-[:SUBSIDIARY_OF]->(parent:Account)
CALL (member) {
  OPTIONAL MATCH (member)<-[:WORKS_AT]-(c:Contact)
  WHERE c[$contact_score.engaged] AND c.department IS NOT NULL
  WITH c.department AS department
  ORDER BY department
  RETURN collect(DISTINCT department) AS departments
}
RETURN member.account_id AS account_id,
       member.name AS name,
       parent.account_id AS parent_id,
       member[$account_score.priority] AS priority,
       member[$account_score.tier] AS tier,
       member[$account_score.stage] AS stage,
       member[$account_score.engagement_score] AS engagement_score,
       member[$account_score.engaged_contacts] AS engaged_contacts,
       member[$account_score.roles_covered] AS roles_covered,
       member[$account_score.missing_roles] AS missing_roles,
       departments
ORDER BY account_id
