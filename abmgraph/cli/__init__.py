"""The ``abmgraph`` command line: parse, call one library function, render."""

from __future__ import annotations

from abmgraph.cli.app import cli

__all__ = ["cli", "main"]


def main() -> None:
    """Entry point of the ``abmgraph`` console script."""
    cli.main(prog_name="abmgraph", standalone_mode=True)

