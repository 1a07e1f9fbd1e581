// Per account: how many contacts work there and which buying roles they hold
// (their scored roles, engaged or not, sorted), one row per account by
// account_id.
MATCH (a:Account)
CALL (a) {
  OPTIONAL MATCH (a)<-[:WORKS_AT]-(c:Contact)
  RETURN count(c) AS contacts
}
CALL (a) {
  OPTIONAL MATCH (a)<-[:WORKS_AT]-(c:Contact)
  UNWIND split(coalesce(c[$contact_score.roles], ''), ';') AS role
  WITH role
  WHERE role <> ''
  ORDER BY role
  RETURN collect(DISTINCT role) AS roles
}
RETURN a.account_id AS account_id, contacts, roles
ORDER BY account_id
