"""Owners: the optional ``owner`` column on accounts and contacts, from every preset."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from abmgraph.graph.store import GraphStore
from abmgraph.history import owners
from abmgraph.ingest.pipeline import ingest_file
from tests.conftest import GraphBuilder

SF_ACCOUNTS = """Id,Name,OwnerId,Owner.Name
001A,Acme,005X,Dana Rivera
001B,Beta,005Y,
"""
# A contact report's "Account Owner" is the account's: the contact keeps its own owner.
SF_CONTACTS = """Id,AccountId,LastName,Email,OwnerId,Account Owner
003A,001A,Doe,doe@acme.com,005Z,Dana Rivera
003B,001B,Roe,roe@beta.com,,Someone Else
"""
HS_COMPANIES = """Record ID,Company name,Company owner
5001,Globex,Marge Bouvier
"""
HS_CONTACTS = """Record ID,Email,Associated Company IDs,Contact owner
901,hank@globex.com,5001,Lisa Simpson
902,frank@globex.com,5001,
"""


def load(store: GraphStore, tmp_path: Path, preset: str, files: dict[str, str]) -> None:
    for kind, text in files.items():
        path = tmp_path / f"{preset}-{kind}.csv"
        path.write_text(text, encoding="utf-8")
        report = ingest_file(store, kind, path, preset=preset, quiet=True)
        assert report.rejected == 0, kind


def owner_of(store: GraphStore, kind: str) -> dict[str, object]:
    key = "account_id" if kind == "accounts" else "contact_id"
    table = store.table(kind, columns=[key, "owner"]).set_index(key)["owner"]
    return {k: None if pd.isna(v) else v for k, v in table.items()}


def test_salesforce_prefers_the_owner_name_to_the_user_id(
    store: GraphStore, tmp_path: Path
) -> None:
    load(store, tmp_path, "salesforce", {"accounts": SF_ACCOUNTS, "contacts": SF_CONTACTS})
    assert owner_of(store, "accounts") == {"001A": "Dana Rivera", "001B": "005Y"}
    assert owner_of(store, "contacts") == {"003A": "005Z", "003B": None}


def test_hubspot_company_and_contact_owner(store: GraphStore, tmp_path: Path) -> None:
    load(store, tmp_path, "hubspot", {"accounts": HS_COMPANIES, "contacts": HS_CONTACTS})
    assert owner_of(store, "accounts") == {"5001": "Marge Bouvier"}
    assert owner_of(store, "contacts") == {"901": "Lisa Simpson", "902": None}


def test_alerts_go_to_the_contact_owner_else_the_account_owner(
    store: GraphStore, builder: GraphBuilder
) -> None:
    builder.account("A1", owner="Ann").account("A2")
    builder.contact("C1", "A1", owner="Bo").contact("C2", "A1").contact("C3", "A2")
    builder.load(store)
    contacts = pd.Series(["C1", "C2", "C3", None, "C9"], dtype=object)
    accounts = pd.Series(["A1", "A1", "A2", "A1", "A9"], dtype=object)
    by_contact, by_account = owners(store, contacts, accounts)
    # C9 and A9 are not in the store: nobody owns them.
    assert by_contact.where(by_contact.notna(), None).tolist() == ["Bo", "Ann", None, None, None]
    assert by_account.where(by_account.notna(), None).tolist() == ["Ann", "Ann", None, "Ann", None]
