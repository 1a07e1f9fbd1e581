"""Tests for the synthetic dataset generator."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from abmgraph.demo import FILE_KINDS, DemoData, generate, parse_anchor, write
from abmgraph.graph.schema import field_specs
from abmgraph.graph.vocab import BUYING_ROLES, DEPARTMENTS, ENGAGEMENT_TYPES, SENIORITIES
from abmgraph.ingest.titles import classify_titles

ANCHOR = pd.Timestamp("2026-10-01", tz="UTC")
FREE_MAIL = {"gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com"}
HIGH_INTENT = [
    "pricing_page_view",
    "demo_request",
    "trial_signup",
    "meeting_held",
    "webinar_attended",
]
COLUMNS = {
    "accounts": ["account_id", "name", "domain", "industry", "employees", "annual_revenue",
                 "country", "technologies", "parent_account_id", "is_customer", "is_target"],
    "contacts": ["contact_id", "account_id", "email", "first_name", "last_name", "title",
                 "department", "seniority", "buying_role", "manager_id", "email_status",
                 "opted_out", "consent", "phone", "country", "previous_account_ids"],
    "engagements": ["event_id", "contact_id", "type", "occurred_at", "asset", "campaign",
                    "channel"],
    "intent": ["account_id", "topic", "score", "observed_at"],
    "opportunities": ["opportunity_id", "account_id", "stage", "is_closed", "is_won", "amount",
                      "created_at", "closed_at"],
    "opportunity_contacts": ["opportunity_id", "contact_id", "role", "is_primary"],
    "truth": ["account_id", "in_market"],
}  # fmt: skip


@pytest.fixture(scope="module")
def data() -> DemoData:
    return generate(accounts=300, seed=11, anchor="2026-10-01")


def employer(data: DemoData) -> pd.Series:
    """Each contact's account: explicit, else the account whose bare domain is the email's."""
    bare = data.accounts["domain"].str.lower().str.removeprefix("www.")
    by_domain = pd.Series(data.accounts["account_id"].to_numpy(), index=bare.to_numpy())
    email_domain = data.contacts["email"].str.split("@").str[1].str.lower()
    return data.contacts["account_id"].fillna(email_domain.map(by_domain))


def committee_features(data: DemoData, days: int = 28) -> pd.DataFrame:
    """Per account: contacts and departments engaged lately, and recent high-intent events."""
    contacts = data.contacts.assign(account=employer(data))
    events = data.engagements.merge(contacts, on="contact_id")
    recent = events[
        (events["occurred_at"] > data.anchor - pd.Timedelta(days=days))
        & ~events["type"].isin(["email_open", "unsubscribe", "email_bounce", "spam_complaint"])
    ]
    by_account = recent.groupby("account")
    features = pd.DataFrame(
        {
            "engaged": by_account["contact_id"].nunique(),
            "departments": by_account["department"].nunique(),
            "high_intent": recent[recent["type"].isin(HIGH_INTENT)].groupby("account").size(),
        }
    )
    truth = data.truth.set_index("account_id")["in_market"]
    return features.reindex(truth.index).fillna(0).assign(in_market=truth)


# -- determinism and sizes ---------------------------------------------------------------


def test_same_seed_and_anchor_give_identical_frames():
    first = generate(accounts=40, seed=5, anchor="2026-10-01")
    second = generate(accounts=40, seed=5, anchor="2026-10-01")
    assert first.anchor == second.anchor
    for kind in FILE_KINDS:
        pd.testing.assert_frame_equal(getattr(first, kind), getattr(second, kind))


def test_different_seed_gives_different_data():
    first = generate(accounts=40, seed=5, anchor="2026-10-01")
    second = generate(accounts=40, seed=6, anchor="2026-10-01")
    assert not first.accounts["name"].equals(second.accounts["name"])
    assert not first.engagements["occurred_at"].equals(second.engagements["occurred_at"])


def test_columns_are_exactly_the_contract_names(data):
    for kind, columns in COLUMNS.items():
        assert list(getattr(data, kind).columns) == columns, kind
        if kind != "truth":
            assert set(columns) <= {spec.name for spec in field_specs(kind)}, kind
    assert "in_market" not in data.accounts.columns


def test_sizes(data):
    assert len(data.accounts) == 300
    assert len(data.truth) == 300
    per_account = employer(data).value_counts()
    assert per_account.index.size == 300
    assert per_account.between(4, 12).all()
    # The default is 16 events per contact.
    assert len(data.engagements) == 16 * len(data.contacts)


def test_one_account_by_hand():
    one = generate(accounts=1, seed=0, anchor="2026-10-01", contacts_per_account=(4, 4), events=10)
    assert one.accounts["account_id"].tolist() == ["A00001"]
    assert one.contacts["contact_id"].tolist() == ["C0000001", "C0000002", "C0000003", "C0000004"]
    assert one.engagements["event_id"].iloc[0] == "E000000001"
    assert len(one.engagements) == 10
    # The first person is the top executive and reports to nobody.
    assert pd.isna(one.contacts["manager_id"].iloc[0])
    assert one.contacts["title"].iloc[0] in {
        "Chief Executive Officer", "CEO", "Founder & CEO", "President", "Co-Founder",
    }  # fmt: skip


def test_exact_event_count():
    assert len(generate(accounts=20, seed=1, anchor=ANCHOR, events=1234).engagements) == 1234
    assert len(generate(accounts=5, seed=1, anchor=ANCHOR, events=0).engagements) == 0


def test_exact_contact_count_keeps_every_committee_in_range():
    # 3 accounts of 2-4 contacts: 12 contacts means 4 each, 6 means 2 each.
    full = generate(accounts=3, seed=2, anchor=ANCHOR, contacts_per_account=(2, 4), contacts=12)
    assert employer(full).value_counts().tolist() == [4, 4, 4]
    small = generate(accounts=3, seed=2, anchor=ANCHOR, contacts_per_account=(2, 4), contacts=6)
    assert employer(small).value_counts().tolist() == [2, 2, 2]
    mid = generate(accounts=50, seed=2, anchor=ANCHOR, contacts_per_account=(10, 40), contacts=1250)
    sizes = employer(mid).value_counts()
    assert sizes.sum() == 1250
    assert sizes.between(10, 40).all()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"accounts": 0},
        {"contacts_per_account": (5, 4)},
        {"contacts_per_account": (0, 4)},
        {"accounts": 3, "contacts_per_account": (2, 4), "contacts": 13},
        {"events": -1},
        {"in_market_share": 1.5},
    ],
)
def test_out_of_range_sizes_are_refused(kwargs):
    with pytest.raises(ValueError):
        generate(**{"anchor": ANCHOR, **kwargs})


# -- anchor ------------------------------------------------------------------------------


def test_parse_anchor():
    assert parse_anchor("2026-10-01") == ANCHOR
    assert parse_anchor(date(2026, 10, 1)) == ANCHOR
    assert parse_anchor(datetime(2026, 10, 1, 2, 0, tzinfo=timezone(timedelta(hours=2)))) == ANCHOR
    assert parse_anchor("2026-10-01T12:30:00").isoformat() == "2026-10-01T12:30:00+00:00"
    before = pd.Timestamp.now(tz="UTC").normalize()
    default = parse_anchor(None)
    assert default in {before, pd.Timestamp.now(tz="UTC").normalize()}
    assert str(default.tz) == "UTC"


def test_nothing_happens_after_the_anchor(data):
    events = data.engagements["occurred_at"]
    assert events.max() <= ANCHOR
    assert events.min() >= ANCHOR - pd.Timedelta(days=190)
    assert data.intent["observed_at"].max() <= ANCHOR
    assert data.opportunities["created_at"].max() <= ANCHOR
    assert data.opportunities["closed_at"].max() <= ANCHOR
    closed = data.opportunities.dropna(subset=["closed_at"])
    assert (closed["closed_at"] >= closed["created_at"]).all()


def test_anchor_with_a_time_of_day_is_respected():
    noon = pd.Timestamp("2026-10-01T12:30:00", tz="UTC")
    events = generate(accounts=20, seed=4, anchor=noon).engagements["occurred_at"]
    assert events.max() <= noon
    assert str(events.dt.tz) == "UTC"


def test_events_are_in_time_order_with_unique_ids(data):
    events = data.engagements
    assert events["occurred_at"].is_monotonic_increasing
    assert events["event_id"].is_unique
    assert events["event_id"].str.fullmatch(r"E\d{9}").all()


# -- integrity ---------------------------------------------------------------------------


def test_referential_integrity(data):
    accounts = set(data.accounts["account_id"])
    contacts = set(data.contacts["contact_id"])
    assert data.accounts["account_id"].is_unique
    assert data.contacts["contact_id"].is_unique
    assert set(data.engagements["contact_id"]) <= contacts
    assert set(data.intent["account_id"]) <= accounts
    assert set(data.opportunities["account_id"]) <= accounts
    assert data.opportunities["opportunity_id"].is_unique
    links = data.opportunity_contacts
    assert set(links["opportunity_id"]) <= set(data.opportunities["opportunity_id"])
    assert not links.duplicated(["opportunity_id", "contact_id"]).any()
    # A deal's contacts work at the deal's account or used to (a returning champion, never
    # the primary), and each deal has one primary contact.
    works_at = pd.Series(employer(data).to_numpy(), index=data.contacts["contact_id"])
    worked_at = data.contacts.set_index("contact_id")["previous_account_ids"].fillna("")
    deal_account = links["opportunity_id"].map(
        data.opportunities.set_index("opportunity_id")["account_id"]
    )
    current = links["contact_id"].map(works_at).to_numpy() == deal_account.to_numpy()
    past = [
        account in str(history).split(";")
        for account, history in zip(deal_account, links["contact_id"].map(worked_at), strict=True)
    ]
    assert (current | past).all()
    assert 0 < (~current).sum() < 0.1 * len(links)
    assert not links.loc[~current, "is_primary"].any()
    assert (links.groupby("opportunity_id")["is_primary"].sum() == 1).all()


def test_domains_are_unique_and_contacts_match_by_domain(data):
    bare = data.accounts["domain"].str.lower().str.removeprefix("www.")
    assert bare.is_unique
    assert employer(data).notna().all()
    contacts = data.contacts
    email_domain = contacts["email"].str.split("@").str[1].str.lower()
    unlinked = contacts["account_id"].isna()
    assert 0.05 < unlinked.mean() < 0.16
    assert not email_domain[unlinked].isin(FREE_MAIL).any()
    free = email_domain.isin(FREE_MAIL)
    assert 0 < free.mean() < 0.07
    assert contacts["email"].str.lower().is_unique


def test_reports_to_is_a_tree_inside_each_account(data):
    contacts = data.contacts
    works_at = pd.Series(employer(data).to_numpy(), index=contacts["contact_id"])
    managed = contacts.dropna(subset=["manager_id"])
    assert set(managed["manager_id"]) <= set(contacts["contact_id"])
    assert (managed["manager_id"] != managed["contact_id"]).all()
    assert (
        managed["manager_id"].map(works_at).to_numpy()
        == managed["contact_id"].map(works_at).to_numpy()
    ).all()
    # Walking up from everyone reaches a root within the committee size: no cycles.
    manager = contacts.set_index("contact_id")["manager_id"]
    current = manager.copy()
    for _ in range(12):
        current = current.map(manager)
    assert current.isna().all()


def test_account_hierarchy_has_no_cycles(data):
    parents = data.accounts.dropna(subset=["parent_account_id"])
    assert 0 < len(parents) < 0.12 * len(data.accounts)
    assert set(parents["parent_account_id"]) <= set(data.accounts["account_id"])
    assert (parents["parent_account_id"] != parents["account_id"]).all()
    # Parents are top-level accounts.
    assert not parents["parent_account_id"].isin(parents["account_id"]).any()


def test_values_come_from_the_vocabularies(data):
    contacts = data.contacts
    assert set(contacts["department"].dropna()) <= set(DEPARTMENTS)
    assert set(contacts["seniority"].dropna()) <= set(SENIORITIES)
    assert set(contacts["buying_role"].dropna()) <= set(BUYING_ROLES)
    assert set(contacts["email_status"]) <= {"valid", "bounced", "unknown"}
    assert set(data.engagements["type"]) <= set(ENGAGEMENT_TYPES)
    assert set(data.opportunity_contacts["role"]) <= {
        "Decision Maker", "Economic Buyer", "Evaluator", "Technical Buyer", "Business User",
        "Executive Sponsor", "Influencer", "Other",
    }  # fmt: skip
    assert data.intent["score"].between(0, 100).all()
    assert data.accounts["employees"].between(10, 100_000).all()
    assert data.accounts["country"].str.fullmatch(r"[A-Z]{2}").all()


def test_blank_department_and_seniority_can_be_read_from_the_title(data):
    contacts = data.contacts
    assert 0.3 < contacts["department"].isna().mean() < 0.5
    assert 0.3 < contacts["seniority"].isna().mean() < 0.5
    # A title always means one department and one seniority.
    by_title = contacts.groupby("title")
    assert (by_title["department"].nunique() <= 1).all()
    assert (by_title["seniority"].nunique() <= 1).all()
    known = contacts.dropna(subset=["department", "seniority"]).drop_duplicates("title")
    pairs = dict(zip(known["title"], zip(known["department"], known["seniority"], strict=True),
                     strict=True))  # fmt: skip
    for title, expected in [
        ("VP of Engineering", ("engineering", "vp")),
        ("Marketing Intern", ("marketing", "entry")),
        ("Senior Software Engineer", ("engineering", "individual_contributor")),
        ("Procurement Manager", ("procurement", "manager")),
    ]:
        assert pairs.get(title, expected) == expected


def test_title_inference_restores_every_blank(data):
    contacts = data.contacts
    inferred = classify_titles(contacts["title"])
    for column in ("department", "seniority"):
        stated = contacts.dropna(subset=[column]).drop_duplicates("title")
        known = contacts["title"].map(stated.set_index("title")[column])
        blank = contacts[column].isna() & known.notna()
        assert blank.sum() > 0.25 * len(contacts), column
        assert (inferred.loc[blank, column] == known[blank]).all(), column


def test_opportunity_fields_agree(data):
    deals = data.opportunities
    assert (deals["is_closed"] == deals["stage"].str.startswith("Closed")).all()
    assert (deals["is_won"] == (deals["stage"] == "Closed Won")).all()
    assert (deals["closed_at"].isna() == ~deals["is_closed"]).all()
    customers = data.accounts.loc[data.accounts["is_customer"], "account_id"]
    won = deals.loc[deals["is_won"], "account_id"]
    assert set(customers) <= set(won)


# -- planted truth -----------------------------------------------------------------------


def test_truth_marks_a_share_of_target_accounts(data):
    truth = data.truth
    assert truth["in_market"].dtype == bool
    assert truth["account_id"].tolist() == data.accounts["account_id"].tolist()
    chosen = data.accounts[truth["in_market"].to_numpy()]
    assert chosen["is_target"].all()
    assert not chosen["is_customer"].any()
    assert len(chosen) == round(0.15 * data.accounts["is_target"].sum())
    core = chosen["industry"].isin(
        ["Software", "Financial Services", "Healthcare", "Manufacturing"]
    )
    assert core.mean() > 0.5
    none = generate(accounts=30, seed=1, anchor=ANCHOR, in_market_share=0.0)
    assert not none.truth["in_market"].any()


def test_in_market_committees_engage_broader_and_more_recently(data):
    means = committee_features(data).groupby("in_market").mean()
    assert means.loc[True, "engaged"] > 3 * means.loc[False, "engaged"]
    assert means.loc[True, "departments"] > 3 * means.loc[False, "departments"]
    assert means.loc[True, "high_intent"] > 5 * means.loc[False, "high_intent"]


def test_a_committee_scorer_finds_the_in_market_accounts(data):
    features = committee_features(data)
    score = features["engaged"] + features["departments"] + np.minimum(features["high_intent"], 5)
    k = int(features["in_market"].sum())
    top = score.sort_values(ascending=False, kind="stable").index[:k]
    assert features.loc[top, "in_market"].mean() >= 0.9


def test_in_market_accounts_show_intent_surges(data):
    recent = data.intent[data.intent["observed_at"] > ANCHOR - pd.Timedelta(days=30)]
    best = recent.groupby("account_id")["score"].max()
    truth = data.truth.set_index("account_id")["in_market"]
    surging = best.reindex(truth.index).fillna(0) >= 70
    assert surging[truth].mean() > 0.7
    assert surging[~truth].mean() < 0.15


def test_noise_makes_some_out_of_market_accounts_look_busy(data):
    contacts = data.contacts.assign(account=employer(data))
    demos = data.engagements[data.engagements["type"] == "demo_request"].merge(
        contacts, on="contact_id"
    )
    quiet = data.truth.loc[~data.truth["in_market"], "account_id"]
    assert demos["account"].isin(quiet).any()


# -- writing -----------------------------------------------------------------------------


def test_write_formats_csv_by_hand(tmp_path):
    at = pd.Series(pd.to_datetime(["2026-09-30T14:03:00Z"]).as_unit("us"))
    empty = pd.DataFrame({"x": pd.Series(dtype="str")})
    data = DemoData(
        accounts=pd.DataFrame(
            {
                "account_id": ["A1", "A2"],
                "name": ["Acme, Inc.", "Globex"],
                "employees": pd.array([50, None], dtype="Int64"),
                "annual_revenue": [1_500_000.0, np.nan],
                "is_customer": [True, False],
            }
        ),
        contacts=empty,
        engagements=pd.DataFrame(
            {"event_id": ["E1"], "contact_id": ["C1"], "type": ["email_open"], "occurred_at": at}
        ),
        intent=pd.DataFrame({"account_id": ["A1"], "score": [72.5]}),
        opportunities=empty,
        opportunity_contacts=empty,
        truth=pd.DataFrame({"account_id": ["A1", "A2"], "in_market": [True, False]}),
        anchor=ANCHOR,
        seed=7,
    )
    paths = write(data, tmp_path / "out")
    text = {kind: path.read_text(encoding="utf-8") for kind, path in paths.items()}
    assert text["accounts"] == (
        "account_id,name,employees,annual_revenue,is_customer\n"
        'A1,"Acme, Inc.",50,1500000,true\n'
        "A2,Globex,,,false\n"
    )
    assert text["engagements"] == (
        "event_id,contact_id,type,occurred_at\nE1,C1,email_open,2026-09-30T14:03:00Z\n"
    )
    assert text["intent"] == "account_id,score\nA1,72.5\n"
    assert text["truth"] == "account_id,in_market\nA1,true\nA2,false\n"
    assert text["contacts"] == "x\n"
    manifest = json.loads(text["manifest"])
    assert manifest["seed"] == 7
    assert manifest["anchor"] == "2026-10-01T00:00:00+00:00"
    assert manifest["in_market_accounts"] == 1
    assert manifest["sizes"]["accounts"] == 2


def _read_back(path: Path, like: pd.DataFrame) -> pd.DataFrame:
    """A written CSV parsed back into the dtypes of ``like``."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    out = {}
    for name, dtype in like.dtypes.items():
        text = raw[name].replace("", None)
        if pd.api.types.is_bool_dtype(dtype):
            assert set(text) <= {"true", "false"}, name
            out[name] = text == "true"
        elif isinstance(dtype, pd.DatetimeTZDtype):
            assert text.dropna().str.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ").all(), name
            out[name] = pd.to_datetime(text, utc=True).dt.as_unit("us")
        elif pd.api.types.is_numeric_dtype(dtype):
            out[name] = pd.to_numeric(text).astype(dtype)
        else:
            out[name] = text.astype(dtype)
    return pd.DataFrame(out)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_write_round_trip(tmp_path, fmt):
    data = generate(accounts=25, seed=3, anchor="2026-10-01")
    paths = write(data, tmp_path, fmt)
    assert set(paths) == {*FILE_KINDS, "manifest"}
    for kind in FILE_KINDS:
        assert paths[kind] == tmp_path / f"{kind}.{fmt}"
        frame = getattr(data, kind)
        back = _read_back(paths[kind], frame) if fmt == "csv" else pd.read_parquet(paths[kind])
        pd.testing.assert_frame_equal(back, frame, check_dtype=fmt == "parquet")
    manifest = json.loads(paths["manifest"].read_text(encoding="utf-8"))
    assert manifest["seed"] == 3
    assert manifest["anchor"] == "2026-10-01T00:00:00+00:00"
    assert manifest["sizes"] == {kind: len(getattr(data, kind)) for kind in FILE_KINDS}
    assert manifest["in_market_accounts"] == int(data.truth["in_market"].sum())


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_same_seed_writes_identical_files(tmp_path, fmt):
    first = write(generate(accounts=15, seed=9, anchor=ANCHOR), tmp_path / "a", fmt)
    second = write(generate(accounts=15, seed=9, anchor=ANCHOR), tmp_path / "b", fmt)
    for kind, path in first.items():
        assert path.read_bytes() == second[kind].read_bytes(), kind


def test_write_refuses_an_unknown_format(tmp_path):
    with pytest.raises(ValueError, match="fmt"):
        write(generate(accounts=2, anchor=ANCHOR), tmp_path, "xlsx")  # type: ignore[arg-type]
