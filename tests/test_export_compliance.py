"""Property: no opted-out, bounced or (when consent is required) unconsented contact ever
appears in any contact export, whatever the data and the audience filters."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from conftest import GraphBuilder, score
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from abmgraph.errors import InputError
from abmgraph.export import export_audience
from abmgraph.export import normalize as norm
from abmgraph.graph.store import open_store

FLAGS = st.sampled_from(["true", "false", ""])
PERSON = st.fixed_dictionaries(
    {
        "account": st.sampled_from(["A1", "A2", "A3", ""]),
        "opted_out": FLAGS,
        "consent": FLAGS,
        "email_status": st.sampled_from(["valid", "bounced", "unknown", ""]),
        "email": st.sampled_from(["gmail", "corporate", ""]),
        "phone": st.sampled_from(["", "+1 415 555 0100", "020 7946 0018", "not a phone"]),
        "seniority": st.sampled_from(["c_level", "vp", "director", "manager", "entry"]),
        "events": st.lists(
            st.sampled_from(["demo_request", "page_view", "email_open"]), max_size=3
        ),
    }
)
FILTERS = st.fixed_dictionaries(
    {
        "tier": st.lists(st.sampled_from([1, 2, 3]), unique=True, max_size=2),
        "include_customers": st.booleans(),
        "roles": st.lists(st.sampled_from(["decision_maker", "end_user", "champion"]), max_size=2),
        "require_consent": st.booleans(),
    }
)


def build(folder: Path, people: list[dict]) -> tuple[GraphBuilder, pd.DataFrame]:
    """The accounts and people; each person's email and first name are unique, even as
    Meta's letters-only name (``Nameba`` for person 10)."""
    builder = GraphBuilder(folder)
    builder.account("A1", name="One").account("A2", name="Two", country="DE")
    builder.account("A3", name="Three", is_customer="true")
    rows = []
    for i, person in enumerate(people):
        email = {"gmail": f"person.{i}@gmail.com", "corporate": f"p{i}@corp{i}.com", "": ""}
        row = {
            "email": email[person["email"]],
            "first_name": "Name" + "".join(chr(97 + int(d)) for d in str(i)),
            "last_name": "Case",
            "opted_out": person["opted_out"],
            "consent": person["consent"],
            "email_status": person["email_status"],
            "phone": person["phone"],
            "seniority": person["seniority"],
            "country": "US",
        }
        builder.contact(f"C{i}", person["account"], **row)
        for days, kind in enumerate(person["events"], start=1):
            builder.event(f"C{i}", kind, days)
        rows.append({"contact_id": f"C{i}", **row})
    return builder, pd.DataFrame(rows)


def forbidden(people: pd.DataFrame, require_consent: bool) -> pd.DataFrame:
    """Who must never be exported, worked out from the raw flags as written."""
    mask = (people["opted_out"] == "true") | (people["email_status"] == "bounced")
    if require_consent:
        mask |= people["consent"] != "true"
    return people[mask]


def read_csv(paths: list[Path]) -> list[dict]:
    rows = []
    for path in paths:
        rows += list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8"))))
    return rows


def column(rows: list[dict], name: str) -> set[str]:
    return {row[name] for row in rows if row[name]}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PERSON, min_size=1, max_size=10), FILTERS)
def test_no_excluded_contact_is_ever_exported(people, filters):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        builder, raw = build(root / "input", people)
        with open_store("embedded", root / "ws") as store:
            builder.load(store)
            score(store)
            banned = forbidden(raw, filters["require_consent"])
            emails = pd.Series(banned["email"].replace("", None), dtype="str")
            names = pd.Series(banned["first_name"], dtype="str")

            def export(platform: str, **options) -> list[dict] | list[Path]:
                out = root / "out" / f"{platform}-{options.get('level', '')}.csv"
                dry = export_audience(store, platform, out, filters, dry_run=True, **options)
                counts = dry.counts()
                assert counts["included"] + sum(counts["excluded"].values()) == len(raw)
                if not counts["included"]:
                    # Nobody to write: refused with the reasons, and no file.
                    with pytest.raises(InputError, match="no file was written"):
                        export_audience(store, platform, out, filters, force=True, **options)
                    assert not out.exists()
                    return []
                report = export_audience(store, platform, out, filters, force=True, **options)
                return [part.path for part in report.parts]

            linkedin = read_csv(export("linkedin-contacts"))
            assert not column(linkedin, "email") & set(norm.email(emails).dropna())
            assert not column(linkedin, "firstname") & set(names)

            google = read_csv(export("google-customer-match"))
            assert not column(google, "Email") & set(
                norm.sha256_hex(norm.google_email(emails)).dropna()
            )
            assert not column(google, "First Name") & set(
                norm.sha256_hex(norm.person_name(names)).dropna()
            )

            meta = read_csv(export("meta-customer-list"))
            assert not column(meta, "email") & set(norm.sha256_hex(norm.email(emails)).dropna())
            assert not column(meta, "fn") & set(
                norm.sha256_hex(norm.meta_letters(norm.person_name(names))).dropna()
            )

            table = read_csv(export("csv", level="contacts"))
            assert not column(table, "contact_id") & set(banned["contact_id"])

            listed = {
                row["contact_id"]
                for path in export("json", level="contacts")
                for row in json.loads(path.read_text(encoding="utf-8"))
            }
            assert not listed & set(banned["contact_id"])
