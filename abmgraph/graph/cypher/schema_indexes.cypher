// The database's indexes (a constraint's own index carries the constraint's
// name): whether each is online and whether a constraint owns it.
SHOW INDEXES YIELD name, state, owningConstraint
RETURN name, [state = 'ONLINE', owningConstraint IS NOT NULL] AS found
