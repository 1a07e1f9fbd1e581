"""``python -m abmgraph``: the command line."""

from abmgraph.cli import main

main()
