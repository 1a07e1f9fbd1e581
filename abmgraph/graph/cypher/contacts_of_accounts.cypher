// The contacts of the accounts in $accounts (through the account_id index), and
// the contacts in $contacts that exist: which contacts a partial score reads.
CALL () {
  UNWIND $accounts AS account_id
  MATCH (c:Contact {account_id: account_id})
  RETURN c.contact_id AS id
  UNION
  UNWIND $contacts AS contact_id
  MATCH (c:Contact {contact_id: contact_id})
  RETURN c.contact_id AS id
}
RETURN collect(id) AS ids
