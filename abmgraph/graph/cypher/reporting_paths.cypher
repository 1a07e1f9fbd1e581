// For each start contact ($starts), the nearest contact among $targets up its
// REPORTS_TO chain: at most $max_hops steps, every contact on the way at the
// start's own account (checked while the path grows, so a chain is never
// followed out of the account), never the start itself (a self-report or a
// reporting cycle leads back to it). The bound 10 is the most any config may
// ask for (scoring.config.graph.MAX_HOPS): a path length cannot be a
// parameter. A contact reports to one manager, so each start has one chain
// and the nearest target on it is unique. Rows: contact_id, path (contact ids
// from the start to the target).
UNWIND $starts AS start_id
MATCH (c:Contact {contact_id: start_id})
WITH c, c.account_id AS home
MATCH route = (c) (()-[:REPORTS_TO]->(step:Contact) WHERE step.account_id = home){1,10} (target:Contact)
WHERE length(route) <= $max_hops
  AND target <> c
  AND target.contact_id IN $targets
WITH c, route
ORDER BY length(route)
WITH c, collect(route)[0] AS nearest
RETURN c.contact_id AS contact_id, [n IN nodes(nearest) | n.contact_id] AS path
ORDER BY contact_id
