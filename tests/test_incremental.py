"""Incremental scoring: only the accounts an ingest touched are rescored, exactly as a full run.

Every test runs on both stores. The graph below is small enough to follow by
hand: three accounts, four contacts, a few events.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import AS_OF, GraphBuilder

from abmgraph.graph.store import GraphStore
from abmgraph.ingest.pipeline import ingest_file
from abmgraph.scoring.config import ScoringConfig
from abmgraph.scoring.engine import ScoreResult, parse_as_of, score_store
from abmgraph.status import store_status
from abmgraph.workspace import Workspace

LATER = "2026-11-05T00:00:00+00:00"
LATEST = "2026-11-06T00:00:00+00:00"


def _score(store: GraphStore, as_of: str = AS_OF, **options: object) -> ScoreResult:
    config = options.pop("config", None) or ScoringConfig()
    return score_store(store, config, parse_as_of(as_of), **options)  # type: ignore[arg-type]


class Ingests:
    """Each call ingests one file of rows, as `abmgraph ingest` does."""

    def __init__(self, store: GraphStore, folder: Path) -> None:
        self.store = store
        self.folder = folder
        self.calls = 0

    def __call__(self, kind: str, rows: list[dict[str, object]]) -> None:
        self.calls += 1
        builder = GraphBuilder(self.folder / f"batch-{self.calls}")
        for row in rows:
            builder.add(kind, **row)
        path = builder.write()[kind]
        report = ingest_file(self.store, kind, path, quiet=True)
        assert report.rejected == 0, kind


@pytest.fixture
def ingest(store: GraphStore, tmp_path: Path) -> Ingests:
    return Ingests(store, tmp_path / "ingests")


def _base(builder: GraphBuilder, store: GraphStore) -> GraphStore:
    (
        builder.account("A1")
        .account("A2")
        .account("A3", industry="Retail")
        .contact("C1", "A1", seniority="vp")
        .contact("C2", "A1", department="finance")
        .contact("C3", "A2", seniority="director")
        .contact("C4", "A3")
        .event("C1", "demo_request", 3)
        .event("C2", "webinar_attended", 10)
        .event("C3", "pricing_page_view", 1)
        .event("C4", "email_click", 20)
    )
    return builder.load(store)


def _event(event_id: str, contact_id: str, type: str, days_ago: float) -> dict[str, object]:
    at = parse_as_of(AS_OF) - pd.Timedelta(days=days_ago)
    return {
        "event_id": event_id,
        "contact_id": contact_id,
        "type": type,
        "occurred_at": at.isoformat(),
    }


def _rescored(result: ScoreResult) -> list[str]:
    return sorted(result.accounts["account_id"])


# -- what counts as touched ---------------------------------------------------------
def test_first_score_is_full_then_nothing_changed_rescores_nothing(
    store: GraphStore, builder: GraphBuilder
) -> None:
    _base(builder, store)
    first = _score(store)
    assert (first.mode, first.full_reason, first.accounts_rescored) == (
        "full",
        "the store was never scored",
        3,
    )
    again = _score(store)
    assert (again.mode, again.accounts_rescored, len(again.contacts)) == ("incremental", 0, 0)
    assert len(store.scores("accounts")) == 3
    assert len(store.scores("contacts")) == 4


def test_an_event_touches_its_contacts_account_only(
    store: GraphStore, builder: GraphBuilder, ingest: Ingests
) -> None:
    _base(builder, store)
    _score(store)
    ingest("engagements", [_event("N1", "C3", "demo_request", 2)])
    result = _score(store)
    assert result.mode == "incremental"
    assert _rescored(result) == ["A2"]
    assert sorted(result.contacts["contact_id"]) == ["C3"]
    # Re-ingesting the same event adds nothing, so touches nothing.
    ingest("engagements", [_event("N1", "C3", "demo_request", 2)])
    assert _score(store).accounts_rescored == 0


def test_a_contact_that_moves_touches_both_accounts(
    store: GraphStore, builder: GraphBuilder, ingest: Ingests
) -> None:
    _base(builder, store)
    _score(store)
    ingest("contacts", [{"contact_id": "C1", "account_id": "A3"}])
    result = _score(store)
    assert _rescored(result) == ["A1", "A3"]
    # A1 keeps C2, A3 now holds C1 and C4: every contact of both is rescored.
    assert sorted(result.contacts["contact_id"]) == ["C1", "C2", "C4"]


def test_unchanged_rows_touch_nothing_changed_ones_their_account(
    store: GraphStore, builder: GraphBuilder, ingest: Ingests
) -> None:
    _base(builder, store)
    _score(store)
    ingest("accounts", [{"account_id": "A1", "name": "Account A1", "industry": "Software"}])
    assert _score(store).accounts_rescored == 0
    ingest("accounts", [{"account_id": "A2", "name": "Account A2", "industry": "Retail"}])
    assert _rescored(_score(store)) == ["A2"]


def test_intent_opportunities_and_their_contacts_touch_their_accounts(
    store: GraphStore, builder: GraphBuilder, ingest: Ingests
) -> None:
    _base(builder, store)
    _score(store)
    ingest(
        "intent",
        [{"account_id": "A1", "topic": "crm", "score": 80, "observed_at": "2026-10-30"}],
    )
    assert _rescored(_score(store)) == ["A1"]
    ingest(
        "opportunities",
        [{"opportunity_id": "O1", "account_id": "A2", "stage": "discovery", "amount": 1000}],
    )
    assert _rescored(_score(store)) == ["A2"]
    ingest(
        "opportunity_contacts", [{"opportunity_id": "O1", "contact_id": "C4", "role": "champion"}]
    )
    assert _rescored(_score(store)) == ["A3"]
    # The deal moves to A1: its old account, its new one, and C4's, whose deal role it feeds.
    ingest(
        "opportunities",
        [{"opportunity_id": "O1", "account_id": "A1", "stage": "discovery", "amount": 1000}],
    )
    assert _rescored(_score(store)) == ["A1", "A2", "A3"]


def test_a_new_account_and_its_contact_are_scored(
    store: GraphStore, builder: GraphBuilder, ingest: Ingests
) -> None:
    _base(builder, store)
    _score(store)
    ingest("accounts", [{"account_id": "A4", "name": "Account A4", "domain": "a4.com"}])
    ingest("contacts", [{"contact_id": "C5", "account_id": "A4", "email": "c5@a4.com"}])
    result = _score(store)
    assert (_rescored(result), list(result.contacts["contact_id"])) == (["A4"], ["C5"])
    assert sorted(store.scores("accounts")["account_id"]) == ["A1", "A2", "A3", "A4"]
    assert len(store.scores("contacts")) == 5


# -- full runs ----------------------------------------------------------------------
def test_full_flag_config_change_and_earlier_as_of_rescore_everything(
    store: GraphStore, builder: GraphBuilder
) -> None:
    _base(builder, store)
    _score(store)
    forced = _score(store, full=True)
    assert (forced.mode, forced.full_reason, forced.accounts_rescored) == ("full", "--full", 3)
    changed = ScoringConfig.model_validate({"window": {"half_life_days": 15}})
    other = _score(store, config=changed)
    assert (other.mode, other.full_reason) == ("full", "the scoring config changed")
    back = _score(store, as_of="2026-10-01T00:00:00+00:00", config=changed)
    assert back.mode == "full"
    assert back.full_reason == "--as-of is earlier than the stored scores' (2026-11-01 00:00 UTC)"


# -- as-of per row, status ----------------------------------------------------------
def test_rows_keep_the_as_of_they_were_scored_at(
    store: GraphStore, builder: GraphBuilder, ingest: Ingests, tmp_path: Path
) -> None:
    _base(builder, store)
    _score(store)
    ingest("engagements", [_event("N1", "C1", "pricing_page_view", 1)])
    _score(store, as_of=LATER)
    accounts = store.scores("accounts").set_index("account_id")["as_of"]
    contacts = store.scores("contacts").set_index("contact_id")["as_of"]
    early, late = pd.Timestamp(AS_OF), pd.Timestamp(LATER)
    assert accounts.to_dict() == {"A1": late, "A2": early, "A3": early}
    assert contacts.to_dict() == {"C1": late, "C2": late, "C3": early, "C4": early}
    status = store_status(store, Workspace(tmp_path / "ws"))
    assert status["scored_as_of"] == late.isoformat()
    assert status["scored_oldest_as_of"] == early.isoformat()
    assert (status["scored_mode"], status["accounts_rescored"]) == ("incremental", 1)
    assert store.score_meta()["accounts"] == 3
    _score(store, as_of=LATER, full=True)
    assert store_status(store, Workspace(tmp_path / "ws"))["scored_oldest_as_of"] == (
        late.isoformat()
    )


def test_partial_runs_count_newly_scored_rows_and_move_the_oldest_as_of_once_all_moved(
    store: GraphStore, builder: GraphBuilder, ingest: Ingests
) -> None:
    _base(builder, store)
    _score(store)
    meta = store.score_meta()
    assert (meta["accounts"], meta["contacts"], meta["oldest_as_of"]) == (3, 4, AS_OF)
    # A new contact at A2 with an event: A2 (C3 and C5) rescored, C5 scored for the first
    # time, so 4 + 1 contacts stored; A1 and A3 still hold AS_OF.
    ingest(
        "contacts",
        [{"contact_id": "C5", "account_id": "A2", "email": "c5@a2.com", "seniority": "manager"}],
    )
    ingest("engagements", [_event("N1", "C5", "demo_request", -1)])
    first = _score(store, as_of=LATER)
    assert (first.mode, first.accounts_rescored) == ("incremental", 1)
    meta = store.score_meta()
    assert (meta["accounts"], meta["contacts"], meta["oldest_as_of"]) == (3, 5, AS_OF)
    # Events at A1 and A3: every row now holds LATER (A2, C3, C5) or LATEST (the rest),
    # so the oldest moves from AS_OF to LATER, and no row is new.
    ingest(
        "engagements",
        [_event("N2", "C1", "pricing_page_view", -2), _event("N3", "C4", "meeting_held", -2)],
    )
    second = _score(store, as_of=LATEST)
    assert (second.mode, second.accounts_rescored) == ("incremental", 2)
    meta = store.score_meta()
    assert (meta["accounts"], meta["contacts"], meta["oldest_as_of"]) == (3, 5, LATER)
    contacts = store.scores("contacts").set_index("contact_id")["as_of"].to_dict()
    assert contacts == {
        "C1": pd.Timestamp(LATEST),
        "C2": pd.Timestamp(LATEST),
        "C3": pd.Timestamp(LATER),
        "C4": pd.Timestamp(LATEST),
        "C5": pd.Timestamp(LATER),
    }


def test_partial_write_reads_back_ranked_by_priority(
    store: GraphStore, builder: GraphBuilder, ingest: Ingests
) -> None:
    _base(builder, store)
    _score(store)
    # Before: A1 54.81, A2 32.30, A3 14.00 (fit 35 only: C4's old email click has
    # decayed to nothing). C4 books a demo, a trial and a meeting: A3's engagement
    # reaches 35.86, priority 35.52, which passes A2, itself not rescored.
    ingest(
        "engagements",
        [
            _event("N1", "C4", "demo_request", 1),
            _event("N2", "C4", "trial_signup", 1),
            _event("N3", "C4", "meeting_held", 1),
        ],
    )
    assert _rescored(_score(store)) == ["A3"]
    stored = store.scores("accounts")
    assert list(stored["account_id"]) == ["A1", "A3", "A2"]
    assert list(stored["priority"]) == pytest.approx([54.81, 35.52, 32.30])


# -- incremental equals full, for random ingests ----------------------------------------
def _random_batches(seed: int) -> list[tuple[str, list[dict[str, object]]]]:
    """A seeded sequence of ingests: new and changed accounts and contacts, moves, events,
    intent, opportunities and their contact roles."""
    rng = np.random.default_rng(seed)
    types = ["demo_request", "pricing_page_view", "email_click", "webinar_attended", "email_open"]
    accounts = [f"A{i}" for i in range(1, 4)]
    contacts = {"C1": "A1", "C2": "A1", "C3": "A2", "C4": "A3"}
    batches: list[tuple[str, list[dict[str, object]]]] = []
    event = 0
    for step in range(6):
        kind = rng.choice(["accounts", "contacts", "move", "engagements", "intent", "opps"])
        if kind == "accounts":
            new, changed = f"A{len(accounts) + 1}", str(rng.choice(accounts))
            accounts.append(new)
            batches.append(
                (
                    "accounts",
                    [
                        {
                            "account_id": new,
                            "name": f"Account {new}",
                            "domain": f"{new.lower()}.com",
                        },
                        {"account_id": changed, "name": f"Account {changed}", "employees": 5000},
                    ],
                )
            )
        elif kind == "contacts":
            new = f"C{len(contacts) + 1}"
            contacts[new] = str(rng.choice(accounts))
            seniority = str(rng.choice(["vp", "director", "manager", "c_level"]))
            row = {"contact_id": new, "account_id": contacts[new], "seniority": seniority}
            batches.append(("contacts", [row]))
        elif kind == "move":
            who = str(rng.choice(sorted(contacts)))
            contacts[who] = str(rng.choice(accounts))
            batches.append(("contacts", [{"contact_id": who, "account_id": contacts[who]}]))
        elif kind == "engagements":
            rows = []
            for _ in range(int(rng.integers(1, 6))):
                event += 1
                who = str(rng.choice(sorted(contacts)))
                days = float(rng.uniform(0, 60))
                rows.append(_event(f"R{step}-{event}", who, str(rng.choice(types)), days))
            batches.append(("engagements", rows))
        elif kind == "intent":
            row = {
                "account_id": str(rng.choice(accounts)),
                "topic": str(rng.choice(["crm", "abm"])),
                "score": int(rng.integers(50, 100)),
                "observed_at": f"2026-10-{int(rng.integers(1, 30)):02d}",
            }
            batches.append(("intent", [row]))
        else:
            opportunity = f"O{step}"
            deal = {
                "opportunity_id": opportunity,
                "account_id": str(rng.choice(accounts)),
                "stage": "discovery",
                "amount": 5000,
            }
            link = {
                "opportunity_id": opportunity,
                "contact_id": str(rng.choice(sorted(contacts))),
                "role": "economic_buyer",
            }
            batches += [("opportunities", [deal]), ("opportunity_contacts", [link])]
            if step > 0:  # an earlier deal moves to another account
                moved = {**deal, "opportunity_id": f"O{step - 1}"}
                batches.append(("opportunities", [moved]))
    return batches


def _numbers(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    frame = frame.set_index(key).sort_index()
    return frame.select_dtypes("number")


def _others(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    frame = frame.set_index(key).sort_index()
    kept = frame.drop(columns=frame.select_dtypes("number").columns)
    return kept.map(lambda v: tuple(v) if isinstance(v, list | np.ndarray) else v)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_incremental_then_full_agree(
    store: GraphStore, builder: GraphBuilder, ingest: Ingests, seed: int
) -> None:
    _base(builder, store)
    _score(store)
    for kind, rows in _random_batches(seed):
        ingest(kind, rows)
    incremental = _score(store)
    assert incremental.mode == "incremental"
    partial = {level: store.scores(level) for level in ("accounts", "contacts")}
    full = _score(store, full=True)
    assert full.mode == "full"
    for level, key in (("accounts", "account_id"), ("contacts", "contact_id")):
        after = store.scores(level)
        assert list(partial[level][key]) == list(after[key])  # same rows, same order
        pd.testing.assert_frame_equal(
            _numbers(partial[level], key), _numbers(after, key), rtol=0, atol=1e-9
        )
        pd.testing.assert_frame_equal(_others(partial[level], key), _others(after, key))
    # Every row the incremental run rescored equals the full run's row.
    touched = incremental.accounts.set_index("account_id")["priority"]
    again = full.accounts.set_index("account_id")["priority"].reindex(touched.index)
    np.testing.assert_allclose(touched.to_numpy(), again.to_numpy(), rtol=0, atol=1e-9)


def test_events_ordered_by_contact_give_the_same_scores(
    builder: GraphBuilder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The embedded store's contact-ordered event index (built here on every ingest that
    leaves more than a tenth of the events outside it) changes no score."""
    from abmgraph.graph import event_index
    from abmgraph.graph.store import open_store

    monkeypatch.setattr(event_index, "_STALE_MIN", 0)
    with open_store("embedded", tmp_path / "indexed") as store:
        _base(builder, store)
        assert (store.root / "events_index" / "covers.json").exists()
        _score(store)
        ingest = Ingests(store, tmp_path / "ingests")
        for kind, rows in _random_batches(4):
            ingest(kind, rows)
        incremental = _score(store)
        partial = store.scores("accounts")
        _score(store, full=True)
        assert incremental.mode == "incremental" and incremental.accounts_rescored > 0
        pd.testing.assert_frame_equal(partial, store.scores("accounts"), rtol=0, atol=1e-9)


# -- the CLI ------------------------------------------------------------------------
def test_cli_score_says_incremental_or_full_and_status_the_oldest(
    builder: GraphBuilder, tmp_path: Path
) -> None:
    import json

    from click.testing import CliRunner

    from abmgraph.cli.app import cli
    from abmgraph.graph.store import open_store

    workspace = tmp_path / "ws"
    with open_store("embedded", workspace) as store:
        _base(builder, store)

    def run(*args: str) -> str:
        result = CliRunner().invoke(cli, ["--workspace", str(workspace), *args])
        assert result.exit_code == 0, result.output
        return result.output

    first = json.loads(run("score", "--as-of", "2026-11-01T00:00:00Z", "--format", "json"))
    assert (first["mode"], first["full_reason"], first["accounts_rescored"]) == (
        "full",
        "the store was never scored",
        3,
    )
    events = tmp_path / "new.csv"
    events.write_text(
        "event_id,contact_id,type,occurred_at\nN1,C4,demo_request,2026-11-03T09:00:00Z\n",
        encoding="utf-8",
    )
    run("ingest", "engagements", str(events))
    later = json.loads(run("score", "--as-of", LATER, "--format", "json"))
    assert {k: later[k] for k in ("mode", "accounts_rescored", "contacts_rescored")} == {
        "mode": "incremental",
        "accounts_rescored": 1,
        "contacts_rescored": 1,
    }
    assert (later["accounts"], later["contacts"], later["full_reason"]) == (3, 4, None)
    status = json.loads(run("status", "--format", "json"))
    assert status["scored_oldest_as_of"] == "2026-11-01T00:00:00+00:00"
    assert status["scored_as_of"] == "2026-11-05T00:00:00+00:00"
    assert status["engagements"] == 5  # the existing keys stay
    text = run("score", "--as-of", LATER, "--full")
    assert "Scored 4 contacts and 3 accounts as of 2026-11-05 00:00 UTC" in text
    assert "(full run: --full)." in text
    text = run("score", "--as-of", LATER)
    assert "Rescored 0 of 3 accounts and 0 of 4 contacts" in text
    assert "(incremental run: only what changed; the others keep their as-of)." in text


def test_a_touched_account_rescores_its_corporate_family(
    store: GraphStore, builder: GraphBuilder, ingest: Ingests
) -> None:
    builder.account("P1").account("S1", parent_account_id="P1")
    builder.account("S2", parent_account_id="P1").account("X1")
    builder.contact("C1", "S1").contact("C2", "X1")
    builder.load(store)
    _score(store)
    ingest("engagements", [_event("N1", "C1", "demo_request", 1)])
    # S1's parent P1 and its sibling S2 share the family; X1 stands alone.
    assert _rescored(_score(store)) == ["P1", "S1", "S2"]
    # S2 leaves P1's family for X1's: both families are rescored.
    ingest("accounts", [{"account_id": "S2", "name": "Account S2", "parent_account_id": "X1"}])
    assert _rescored(_score(store)) == ["P1", "S1", "S2", "X1"]


def test_explain_uses_the_instant_each_row_was_scored_at(
    store: GraphStore, builder: GraphBuilder, ingest: Ingests
) -> None:
    from abmgraph.scoring.explain import explain_account, explain_accounts, explain_contact

    _base(builder, store)
    _score(store)
    ingest("engagements", [_event("N1", "C1", "pricing_page_view", 1)])
    _score(store, as_of=LATER)  # A1 as of Nov 5; A2 and A3 keep Nov 1
    accounts = store.scores("accounts").set_index("account_id")["priority"]
    contacts = store.scores("contacts").set_index("contact_id")["score"]
    for explained in explain_accounts(store, ["A1", "A2", "A3"]):
        assert explained["score"] == pytest.approx(accounts[explained["id"]], abs=1e-9)
        total = sum(c["points"] for c in explained["contributions"])
        assert total == pytest.approx(explained["score"], abs=0.011)
    assert explain_account(store, "A2")["score"] == pytest.approx(accounts["A2"], abs=1e-9)
    for contact_id in ("C1", "C3"):
        assert explain_contact(store, contact_id)["score"] == pytest.approx(
            contacts[contact_id], abs=1e-9
        )
