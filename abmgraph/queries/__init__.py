"""Named graph questions, answered identically on every store.

Each question is a function of a ``GraphStore`` returning plain rows: on
Neo4j the graph part is a ``.cypher`` file in ``abmgraph/queries/cypher``
run read-only, on the embedded store networkx and pandas over the workspace
tables (see ``engine.named_query``).
"""

from abmgraph.queries.champions import champions
from abmgraph.queries.gaps import account_gaps, portfolio_gaps
from abmgraph.queries.hierarchy import hierarchy
from abmgraph.queries.intent import intent_topics
from abmgraph.queries.org import org_chart
from abmgraph.queries.similar import similar_accounts, similar_to_customers
from abmgraph.queries.surging import surging
from abmgraph.queries.user_query import parse_params, run_cypher
from abmgraph.queries.warm_paths import warm_paths

__all__ = [
    "account_gaps",
    "champions",
    "hierarchy",
    "intent_topics",
    "org_chart",
    "parse_params",
    "portfolio_gaps",
    "run_cypher",
    "similar_accounts",
    "similar_to_customers",
    "surging",
    "warm_paths",
]
