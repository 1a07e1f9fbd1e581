"""Invalid and disposable email addresses: loaded, flagged, scored down, never exported."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from conftest import GraphBuilder, score

from abmgraph.export import export_audience
from abmgraph.graph.store import GraphStore
from abmgraph.scoring.explain import explain_contact

FILTERS = {"require_consent": False, "include_customers": True}


def people(builder: GraphBuilder) -> GraphBuilder:
    builder.account("A1", domain="acme.com")
    builder.contact("C1", "A1", email="jane@acme.com")
    builder.contact("C2", "A1", email="throwaway@mailinator.com")
    builder.contact("C3", "A1", email="bob at acme dot com")
    for contact in ("C1", "C2", "C3"):
        builder.event(contact, "demo_request", 2)
    return builder


def test_flags_are_stored(store: GraphStore, builder: GraphBuilder) -> None:
    people(builder)
    paths = builder.write()
    from abmgraph.ingest.pipeline import ingest_file

    ingest_file(store, "accounts", paths["accounts"], quiet=True)
    report = ingest_file(
        store, "contacts", paths["contacts"], rejects_path=builder.folder / "r.csv", quiet=True
    )
    assert (report.loaded, report.rejected, report.warnings) == (3, 0, 1)
    contacts = store.table("contacts").set_index("contact_id").sort_index()
    assert contacts["is_disposable"].tolist() == [False, True, pd.NA]
    assert contacts["email_status"].tolist()[2] == "invalid"
    assert pd.isna(contacts.loc["C3", "email"])
    assert contacts.loc["C3", "email_invalid"] == "bob at acme dot com"
    reasons = pd.read_csv(builder.folder / "r.csv", dtype=str)
    assert reasons[["source_line", "field", "severity"]].values.tolist() == [
        ["4", "email", "warning"]
    ]


def test_a_disposable_address_costs_thirty_fit_points(
    store: GraphStore, builder: GraphBuilder
) -> None:
    people(builder).load(store)
    scores = score(store).contacts.set_index("contact_id")
    # Same seniority, department and event: the corporate address earns +5, the
    # disposable one −30, the blanked (invalid) one nothing.
    assert scores.loc["C1", "fit.email"] == 5
    assert scores.loc["C2", "fit.email"] == 0
    assert scores.loc["C2", "fit.disposable"] == -30
    assert scores.loc["C1", "fit.disposable"] == 0
    assert scores.loc["C3", "fit.email"] == 0
    assert scores.loc["C1", "score"] - scores.loc["C2", "score"] == 35
    explained = explain_contact(store, "C2")
    item = next(c for c in explained["contributions"] if c["name"] == "fit.disposable")
    assert item == {
        "name": "fit.disposable",
        "points": -30.0,
        "detail": "email domain mailinator.com is a disposable-mail service",
    }


def test_invalid_and_disposable_addresses_are_never_exported(
    store: GraphStore, builder: GraphBuilder, tmp_path: Path
) -> None:
    people(builder).load(store)
    score(store)
    report = export_audience(store, "json", tmp_path / "people.json", FILTERS, level="contacts")
    counts = report.counts()
    assert counts["included"] == 1
    assert counts["excluded"]["disposable"] == 1
    assert counts["excluded"]["invalid_email"] == 1
    (part,) = report.parts
    listed = [row["contact_id"] for row in json.loads(part.path.read_text(encoding="utf-8"))]
    assert listed == ["C1"]
