// Checks that the database answers (and that the credentials are accepted), and
// whether a bulk import left the constraints and indexes to be created.
OPTIONAL MATCH (m:AbmgraphMeta {key: $key})
RETURN m IS NOT NULL AS pending
