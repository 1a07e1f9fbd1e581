// For each champion at one account ($account_id: a contact whose scored roles
// include 'champion'), the shortest path through the account's org chart
// (REPORTS_TO, either direction, only via the account's own contacts) to the
// nearest other contact holding one of $power_roles. Ties go to the target
// with the smallest contact_id, then to the path whose contact ids come first.
// `path` lists contact ids from the champion to the target; null when no such
// colleague is reachable.
MATCH (:Account {account_id: $account_id})<-[:WORKS_AT]-(champion:Contact)
WHERE 'champion' IN split(coalesce(champion[$contact_score.roles], ''), ';')
OPTIONAL MATCH (:Account {account_id: $account_id})<-[:WORKS_AT]-(target:Contact)
WHERE target <> champion
  AND any(role IN split(coalesce(target[$contact_score.roles], ''), ';')
          WHERE role IN $power_roles)
OPTIONAL MATCH route = allShortestPaths((champion)-[:REPORTS_TO*]-(target))
WHERE all(n IN nodes(route) WHERE n.account_id = $account_id)
WITH champion, target, route
ORDER BY champion.contact_id, length(route), target.contact_id,
         [n IN nodes(route) | n.contact_id]
WITH champion,
     collect(CASE WHEN route IS NOT NULL THEN [n IN nodes(route) | n.contact_id] END) AS routes
RETURN champion.contact_id AS champion_id, routes[0] AS path
ORDER BY champion_id
