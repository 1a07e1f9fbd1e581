"""The ``abmgraph`` command line: parse, call one library function, render.

The core commands live in ``app``; each further area keeps its commands in a
module of its own, registered on the one group here.
"""

from __future__ import annotations

from abmgraph.cli.app import cli
from abmgraph.cli.evaluate import backtest, calibrate, datasets
from abmgraph.cli.export import export
from abmgraph.cli.queries import (
    champions,
    cypher,
    gaps,
    hierarchy,
    org,
    similar,
    surging,
    warm_paths,
)

__all__ = ["cli", "main"]

for _command in (
    export, backtest, calibrate, datasets,
    gaps, org, warm_paths, hierarchy, surging, similar, champions, cypher,
):  # fmt: skip
    cli.add_command(_command)


def main() -> None:
    """Entry point of the ``abmgraph`` console script."""
    cli.main(prog_name="abmgraph", standalone_mode=True)
