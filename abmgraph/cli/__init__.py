"""The ``abmgraph`` command line: parse, call one library function, render.

The core commands live in ``app``; each further area keeps its commands in a
module of its own, registered on the one group here. An area's module is
imported only when one of its commands runs (or ``--help`` lists it), so a
command loads the libraries it needs and no others.
"""

from __future__ import annotations

import gc

from abmgraph.cli.app import cli

__all__ = ["cli", "main"]

# Command name → "module:attribute".
_COMMANDS = {
    "accounts": "abmgraph.cli.listings:accounts",
    "contacts": "abmgraph.cli.listings:contacts",
    "committee": "abmgraph.cli.listings:committee",
    "explain": "abmgraph.cli.listings:explain",
    "status": "abmgraph.cli.listings:status",
    "export": "abmgraph.cli.export:export",
    "backtest": "abmgraph.cli.evaluate:backtest",
    "calibrate": "abmgraph.cli.evaluate:calibrate",
    "datasets": "abmgraph.cli.evaluate:datasets",
    "gaps": "abmgraph.cli.queries:gaps",
    "org": "abmgraph.cli.queries:org",
    "warm-paths": "abmgraph.cli.queries:warm_paths",
    "hierarchy": "abmgraph.cli.queries:hierarchy",
    "surging": "abmgraph.cli.queries:surging",
    "intent": "abmgraph.cli.queries:intent",
    "similar": "abmgraph.cli.queries:similar",
    "champions": "abmgraph.cli.queries:champions",
    "cypher": "abmgraph.cli.queries:cypher",
    "neo4j-import": "abmgraph.cli.neo4j:neo4j_import",
    "report": "abmgraph.cli.report:report",
    "feedback": "abmgraph.cli.feedback:feedback",
    "changes": "abmgraph.cli.changes:changes",
    "watch": "abmgraph.cli.watch:watch",
}
for _name, _target in _COMMANDS.items():
    cli.add_lazy_command(_name, _target)


def main() -> None:
    """Entry point of the ``abmgraph`` console script."""
    # One command per process, and what it loads (pandas, pyarrow) lives until exit:
    # the garbage collector should neither rescan it every 700 new objects (its
    # default) nor once more at exit, which alone takes a tenth of a second or more.
    gc.set_threshold(50_000, 10, 10)
    try:
        cli.main(prog_name="abmgraph", standalone_mode=True)
    finally:
        gc.freeze()
