"""Shared fixtures: a store per backend, and a builder for tiny hand-made graphs."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from abmgraph.graph.schema import KINDS
from abmgraph.graph.store import GraphStore, open_store
from abmgraph.ingest.pipeline import ingest_file
from abmgraph.scoring.config import ScoringConfig
from abmgraph.scoring.engine import ScoreResult, parse_as_of, score_store

AS_OF = "2026-11-01T00:00:00+00:00"
# Every store-agnostic test runs on both stores; the Neo4j ones carry the `neo4j` marker
# so people without Java can deselect them with -m "not neo4j".
BACKENDS = ["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)]


@pytest.fixture(scope="session")
def neo4j_server() -> Iterator[GraphStore]:
    """One connection to the test server for the whole run (NEO4J_URI, else the local one)."""
    from abmgraph.errors import StoreUnavailableError

    try:
        server = open_store("neo4j", Path("."), uri=os.environ.get("NEO4J_URI"))
    except StoreUnavailableError as exc:
        pytest.fail(
            f"The neo4j tests need a server: {exc} Or deselect them: pytest -m 'not neo4j'.",
            pytrace=False,
        )
    yield server
    server.close()


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """An empty store of each backend."""
    if request.param == "neo4j":
        server = request.getfixturevalue("neo4j_server")
        server.clear()
        yield server
        return
    with open_store(request.param, tmp_path / "ws") as opened:
        yield opened


class GraphBuilder:
    """Collects rows of the native contract, writes them as CSV and ingests them."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.rows: dict[str, list[dict[str, Any]]] = {}
        self._events = 0

    def add(self, kind: str, **fields: Any) -> GraphBuilder:
        self.rows.setdefault(kind, []).append(fields)
        return self

    def account(self, account_id: str, **fields: Any) -> GraphBuilder:
        defaults = {
            "name": f"Account {account_id}",
            "industry": "Software",
            "employees": 1000,
            "country": "US",
            "domain": f"{account_id.lower()}.com",
        }
        return self.add("accounts", account_id=account_id, **{**defaults, **fields})

    def contact(self, contact_id: str, account_id: str, **fields: Any) -> GraphBuilder:
        defaults = {
            "email": f"{contact_id.lower()}@{account_id.lower()}.com",
            "seniority": "manager",
            "department": "it",
        }
        return self.add(
            "contacts", contact_id=contact_id, account_id=account_id, **{**defaults, **fields}
        )

    def event(self, contact_id: str, type: str, days_ago: float, **fields: Any) -> GraphBuilder:
        self._events += 1
        at = parse_as_of(AS_OF) - pd.Timedelta(days=days_ago)
        return self.add(
            "engagements",
            event_id=f"E{self._events}-{contact_id}",
            contact_id=contact_id,
            type=type,
            occurred_at=at.isoformat(),
            **fields,
        )

    def write(self) -> dict[str, Path]:
        self.folder.mkdir(parents=True, exist_ok=True)
        paths = {}
        for kind, rows in self.rows.items():
            columns = list(dict.fromkeys(k for row in rows for k in row))
            path = self.folder / f"{kind}.csv"
            with path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, columns)
                writer.writeheader()
                writer.writerows(rows)
            paths[kind] = path
        return paths

    def load(self, store: GraphStore) -> GraphStore:
        paths = self.write()
        for kind in KINDS:
            if kind in paths:
                report = ingest_file(
                    store,
                    kind,
                    paths[kind],
                    rejects_path=self.folder / f"{kind}-rejects.csv",
                    quiet=True,
                )
                assert report.rejected == 0, (
                    kind,
                    (self.folder / f"{kind}-rejects.csv").read_text(),
                )
        return store


@pytest.fixture
def builder(tmp_path: Path) -> GraphBuilder:
    return GraphBuilder(tmp_path / "input")


def score(
    store: GraphStore, config: ScoringConfig | None = None, as_of: str = AS_OF
) -> ScoreResult:
    return score_store(store, config or ScoringConfig(), parse_as_of(as_of))


def priorities(store: GraphStore) -> dict[str, float]:
    frame = store.scores("accounts")
    return dict(zip(frame["account_id"], frame["priority"], strict=True))
