"""``abmgraph neo4j-import``: the workspace as files for Neo4j's offline bulk importer."""

from __future__ import annotations

from pathlib import Path

import click

from abmgraph.cli.app import App, pass_app
from abmgraph.cli.output import info, render_rows

__all__ = ["neo4j_import"]


@click.command("neo4j-import")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--force", is_flag=True, help="Replace the import files FOLDER holds (other files stay)."
)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@pass_app
def neo4j_import(app: App, folder: Path, force: bool, fmt: str) -> None:
    """Write the embedded workspace into FOLDER for neo4j-admin's bulk import.

    The first load of a large graph into an empty Neo4j database: ingest into
    the workspace (the default embedded store), write the files, and import
    them with the server stopped. The result is the graph that loading the
    same files through the driver builds, many times faster. abmgraph creates
    the constraints and indexes on its first connection afterwards.

    \b
    Example:
        abmgraph neo4j-import import/
        scripts/neo4j-local import import/          # the local server
        cd import && neo4j-admin database import full @neo4j-admin.args \\
            --overwrite-destination neo4j           # any Neo4j 5 server you run
    """
    from abmgraph.errors import StoreError
    from abmgraph.graph.embedded import EmbeddedStore
    from abmgraph.graph.neo4j_import import write_import_files

    if app.backend != "embedded":
        raise StoreError(
            "neo4j-import reads the embedded workspace; run it without --backend neo4j "
            "(or with ABMGRAPH_BACKEND=embedded)."
        )
    store = app.store()
    if not isinstance(store, EmbeddedStore):  # checked above; kept under python -O too
        raise StoreError("neo4j-import reads the embedded workspace only.")
    files = write_import_files(
        store, folder, overwrite=force, progress=lambda name: info(f"writing {folder / name}")
    )
    rows = [
        {"file": name, "holds": "nodes", "rows": count} for name, count in files.nodes.items()
    ] + [
        {"file": name, "holds": "relationships", "rows": count}
        for name, count in files.relationships.items()
    ]
    render_rows(rows, fmt, title=f"Neo4j import files in {folder}")
    scores = (
        f"The scores as of {files.scores_as_of} go with them; the next score replaces them."
        if files.scores_as_of
        else "The workspace is not scored: score after the import."
    )
    info(
        f"{files.node_count:,} nodes and {files.relationship_count:,} relationships. {scores} "
        f"Stop the server, then run in {folder}:\n  {files.command()}\n"
        "or, for the local server: scripts/neo4j-local import "
        f"{folder}\nStart the server; the first abmgraph command creates the constraints "
        "and indexes."
    )
