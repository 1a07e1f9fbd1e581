"""Lead-to-account matching by email domain never guesses: one family's top, else no match."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from abmgraph.graph.store import GraphStore
from abmgraph.ingest.matching import family_tops, match_domains
from abmgraph.ingest.pipeline import ingest_file


def accounts(*rows: tuple[str, str | None, str | None]) -> pd.DataFrame:
    """(account_id, domain, parent_account_id) rows."""
    return pd.DataFrame(rows, columns=["account_id", "domain", "parent_account_id"], dtype="str")


def one(table: pd.DataFrame, domain: str) -> tuple[object, bool, list[str]]:
    row = match_domains(table, pd.Series([domain], dtype="str")).iloc[0]
    named = [] if pd.isna(row["candidates"]) else row["candidates"].split(";")
    return (None if pd.isna(row["account_id"]) else row["account_id"], row["family"], named)


# -- the pure decision -------------------------------------------------------------------
def test_a_domain_one_account_has_matches_it() -> None:
    table = accounts(("A1", "acme.com", None), ("B1", "beta.com", None))
    assert one(table, "acme.com") == ("A1", False, [])


def test_a_domain_no_account_has_matches_nothing() -> None:
    table = accounts(("A1", "acme.com", None))
    assert one(table, "other.com") == (None, False, [])


def test_parent_and_subsidiary_sharing_a_domain_give_the_parent() -> None:
    table = accounts(("SUB", "acme.com", "PARENT"), ("PARENT", "acme.com", None))
    assert one(table, "acme.com") == ("PARENT", True, [])


def test_sister_subsidiaries_give_the_top_of_the_family_even_without_the_domain() -> None:
    # Both subsidiaries use acme.com; the holding (acme-group.com) is the family's top,
    # two steps up from EU (EU -> EMEA -> HOLD) and one from US.
    table = accounts(
        ("HOLD", "acme-group.com", None),
        ("EMEA", "acme-emea.com", "HOLD"),
        ("EU", "acme.com", "EMEA"),
        ("US", "acme.com", "HOLD"),
    )
    assert one(table, "acme.com") == ("HOLD", True, [])


def test_unrelated_accounts_sharing_a_domain_match_nothing_and_are_named() -> None:
    table = accounts(("Z2", "globex.com", None), ("G1", "globex.com", None), ("G0", "x.com", "G1"))
    assert one(table, "globex.com") == (None, False, ["G1", "Z2"])


def test_two_families_sharing_a_domain_match_nothing() -> None:
    # P1 and S1 are one family, Q2 another: three candidates, two tops.
    table = accounts(("P1", "acme.com", None), ("S1", "acme.com", "P1"), ("Q2", "acme.com", None))
    assert one(table, "acme.com") == (None, False, ["P1", "Q2", "S1"])


def test_a_parent_that_is_not_stored_links_nothing() -> None:
    # Both name parent X9, which is not stored: as the hierarchy question draws them,
    # they are two roots, so nothing says they are one company.
    table = accounts(("S1", "acme.com", "X9"), ("S2", "acme.com", "X9"))
    assert one(table, "acme.com") == (None, False, ["S1", "S2"])


def test_a_self_parent_is_no_link() -> None:
    table = accounts(("P", "acme.com", "P"), ("S", "acme.com", "P"))
    assert one(table, "acme.com") == ("P", True, [])


def test_a_hierarchy_cycle_is_cut_at_its_smallest_id() -> None:
    # B -> C -> B: the cycle is cut at B, which becomes the top; D hangs below C.
    table = accounts(("C", "acme.com", "B"), ("B", "b.com", "C"), ("D", "acme.com", "C"))
    assert one(table, "acme.com") == ("B", True, [])
    assert family_tops(table, pd.Series(["B", "C", "D"])).tolist() == ["B", "B", "B"]


def test_many_rows_are_answered_per_domain_in_order() -> None:
    table = accounts(("P", "acme.com", None), ("S", "acme.com", "P"), ("U", "u.com", None))
    found = match_domains(table, pd.Series(["u.com", None, "acme.com", "u.com"], dtype="str"))
    assert found["account_id"].tolist()[0] == "U"
    assert pd.isna(found["account_id"].iloc[1])
    assert found["account_id"].tolist()[2:] == ["P", "U"]
    assert found["family"].tolist() == [False, False, True, False]


def test_no_accounts_and_no_domains() -> None:
    empty = accounts()
    assert one(empty, "acme.com") == (None, False, [])
    found = match_domains(accounts(("A1", "acme.com", None)), pd.Series([], dtype="str"))
    assert found.empty and list(found.columns) == ["account_id", "family", "candidates"]


# -- ingest on both stores -----------------------------------------------------------------
# A CRM account list with a parent, its subsidiary on the same domain, and two unrelated
# companies that both wrote globex.com (a reseller and the vendor).
ACCOUNTS = """\
"account_id","name","domain","parent_account_id"
"P1","Acme Holding","acme.com",""
"S1","Acme France","https://www.acme.com/fr","P1"
"G1","Globex","globex.com",""
"G2","Globex Reseller","globex.com",""
"U1","Umbrella","umbrella.com",""
"""

# Leads with no account: matched by their email domain.
LEADS = """\
"contact_id","email","first_name","last_name"
"L1","marie@acme.com","Marie","Curie"
"L2","hank@globex.com","Hank","Scorpio"
"L3","alice@umbrella.com","Alice","Liddell"
"L4","bob@gmail.com","Bob","Free"
"L5","carl@globex.com","Carl","Carlson"
"""


def test_leads_go_to_the_family_top_or_stay_unmatched_with_a_warning(
    store: GraphStore, tmp_path: Path
) -> None:
    (tmp_path / "a.csv").write_text(ACCOUNTS, encoding="utf-8")
    (tmp_path / "c.csv").write_text(LEADS, encoding="utf-8")
    assert ingest_file(store, "accounts", tmp_path / "a.csv", quiet=True).rejected == 0
    rejects = tmp_path / "c-rejects.csv"
    report = ingest_file(store, "contacts", tmp_path / "c.csv", rejects_path=rejects, quiet=True)
    # Every lead loads; L2 and L5 (globex.com, two companies) and L4 (free mail) stay unmatched.
    assert (report.read, report.loaded, report.rejected) == (5, 5, 0)
    assert (report.unmatched, report.warnings) == (3, 2)
    contacts = store.table("contacts").set_index("contact_id").sort_index()
    assert contacts["account_id"].fillna("-").to_dict() == {
        "L1": "P1",
        "L2": "-",
        "L3": "U1",
        "L4": "-",
        "L5": "-",
    }
    assert contacts["account_match"].fillna("-").to_dict() == {
        "L1": "email_domain_family",
        "L2": "-",
        "L3": "email_domain",
        "L4": "-",
        "L5": "-",
    }
    table = pd.read_csv(rejects, dtype=str, keep_default_na=False)
    reason = (
        "email domain globex.com is shared by accounts G1, G2 of different corporate "
        "families; the contact is left unmatched: give its account_id"
    )
    assert table[["source_line", "field", "reason", "severity"]].values.tolist() == [
        ["3", "account_id", reason, "warning"],
        ["6", "account_id", reason, "warning"],
    ]
    assert table["contact_id"].tolist() == ["L2", "L5"]


def test_an_explicit_account_is_never_second_guessed(store: GraphStore, tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text(ACCOUNTS, encoding="utf-8")
    (tmp_path / "c.csv").write_text(
        "contact_id,account_id,email\nL1,S1,marie@acme.com\nL2,G2,hank@globex.com\n",
        encoding="utf-8",
    )
    ingest_file(store, "accounts", tmp_path / "a.csv", quiet=True)
    report = ingest_file(store, "contacts", tmp_path / "c.csv", quiet=True)
    assert (report.loaded, report.warnings, report.unmatched) == (2, 0, 0)
    contacts = store.table("contacts").set_index("contact_id").sort_index()
    assert contacts["account_id"].tolist() == ["S1", "G2"]
    assert contacts["account_match"].tolist() == ["explicit", "explicit"]


def test_accounts_without_a_parent_column_never_share_a_family(
    store: GraphStore, tmp_path: Path
) -> None:
    (tmp_path / "a.csv").write_text(
        "account_id,name,domain\nK1,Kwik,kwik.com\nK2,Kwik-E,kwik.com\n", encoding="utf-8"
    )
    (tmp_path / "c.csv").write_text("contact_id,email\nL1,apu@kwik.com\n", encoding="utf-8")
    ingest_file(store, "accounts", tmp_path / "a.csv", quiet=True)
    rejects = tmp_path / "r.csv"
    report = ingest_file(store, "contacts", tmp_path / "c.csv", rejects_path=rejects, quiet=True)
    assert (report.loaded, report.unmatched, report.warnings) == (1, 1, 1)
    reason = pd.read_csv(rejects, dtype=str).loc[0, "reason"]
    assert reason.startswith("email domain kwik.com is shared by accounts K1, K2 of different")


def test_the_examples_in_the_docstrings_run() -> None:
    import doctest

    from abmgraph.graph import role_lists
    from abmgraph.ingest import buying_roles, matching

    for module in (matching, buying_roles, role_lists):
        failed, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert (failed, tried > 0) == (0, True), module.__name__


def test_intent_by_domain_follows_the_same_rule(store: GraphStore, tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text(ACCOUNTS, encoding="utf-8")
    (tmp_path / "i.csv").write_text(
        "domain,topic,score,observed_at\n"
        "www.acme.com,crm,80,2026-10-01\n"  # parent and subsidiary: the parent
        "globex.com,crm,70,2026-10-01\n"  # two families: rejected, both named
        "nowhere.com,crm,60,2026-10-01\n",  # no account: as before
        encoding="utf-8",
    )
    ingest_file(store, "accounts", tmp_path / "a.csv", quiet=True)
    rejects = tmp_path / "r.csv"
    report = ingest_file(store, "intent", tmp_path / "i.csv", rejects_path=rejects, quiet=True)
    assert (report.read, report.loaded, report.rejected) == (3, 1, 2)
    assert store.table("intent")["account_id"].tolist() == ["P1"]
    table = pd.read_csv(rejects, dtype=str, keep_default_na=False)
    assert table[["source_line", "field", "reason", "severity"]].values.tolist() == [
        [
            "3",
            "domain",
            "domain globex.com is shared by accounts G1, G2 of different corporate families; "
            "give account_id instead",
            "rejected",
        ],
        ["4", "domain", "no account has domain 'nowhere.com': ingest accounts first", "rejected"],
    ]
