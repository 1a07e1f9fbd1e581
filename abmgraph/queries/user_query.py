"""``abmgraph cypher``: the user's own Cypher, read-only, with values as parameters.

Read-only twice over: :func:`~abmgraph.queries.cypher_guard.check_read_only`
refuses LOAD CSV, administration commands, procedures off a read-only list
and several statements before anything reaches the server, and the store
runs what passes in a READ transaction, where the server refuses writes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from abmgraph.errors import InputError
from abmgraph.graph.store import GraphStore
from abmgraph.queries.cypher_guard import check_read_only

__all__ = ["parse_params", "run_cypher"]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def parse_params(pairs: Iterable[str]) -> dict[str, Any]:
    """``NAME=VALUE`` pairs as query parameters; a VALUE that is JSON is decoded, else kept as text.

    >>> parse_params(["id=A00042", "limit=5", "tiers=[1,2]", "name=\\"42\\""])
    {'id': 'A00042', 'limit': 5, 'tiers': [1, 2], 'name': '42'}
    """
    params: dict[str, Any] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        if not sep or not _NAME.fullmatch(name.strip()):
            raise InputError(f"--param {pair!r} is not NAME=VALUE (e.g. --param id=A00042).")
        try:
            value = json.loads(text)
        except ValueError:
            value = text
        params[name.strip()] = value
    return params


def run_cypher(
    store: GraphStore,
    query: str,
    params: dict[str, Any] | None = None,
    limit: int | None = None,
    timeout: float | None = None,
) -> list[dict[str, Any]]:
    """Run ``query`` in a read transaction; records as plain dicts (at most ``limit``).

    Raises
    ------
    StoreError
        The query is refused before it runs (LOAD CSV, an administration
        command, a procedure off the read-only list, several statements),
        the store does not speak Cypher, the query writes (refused by the
        server), fails or runs past ``timeout`` seconds.
    """
    check_read_only(query)
    return store.read_query(query, params or {}, timeout=timeout, limit=limit)
