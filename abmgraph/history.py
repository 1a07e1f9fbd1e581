"""Score history: a compact snapshot of every score run, and the handovers to sales.

Kept in ``<workspace>/history/`` whatever the backend::

    runs.json                       the run index, oldest first
    runs/<run_id>/accounts.parquet  the run's full account table (compact)
    runs/<run_id>/contacts.parquet  the run's full contact table (compact)
    handovers.parquet               first MQL / SQL per contact, first tier 1 per account

A snapshot is the stored score tables after the run (every account and
contact, whether or not this run rescored it), cut to what ``changes`` and
alerts compare: priority, tier, stage, the departments engaged, roles covered
and missing, the account's contributions (``fit.*``, ``committee.*`` …),
and each contact's score and stage. The index keeps the last ``keep_runs``
runs (``[history]`` in the config); handovers are append-only and never
pruned: one row per (kind, contact) or (tier1, account), with the ``as_of``
of the first recorded run in which it crossed the threshold.

Every file is replaced atomically. A run is staged in a hidden folder and
renamed into place, its new handovers are written, then the index: a crash
before the index leaves a folder the next run removes, and since handovers
are found by comparing a run with those already recorded, none is lost or
written twice.
"""

from __future__ import annotations

import json
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from abmgraph.errors import NotFoundError, StoreError
from abmgraph.graph.role_lists import SEPARATOR
from abmgraph.safe_io import atomic_open, atomic_write_text

if TYPE_CHECKING:
    from abmgraph.graph.store import GraphStore
    from abmgraph.scoring.config import ScoringConfig
    from abmgraph.scoring.engine import ScoreResult

__all__ = [
    "ACCOUNT_SNAPSHOT",
    "CONTACT_SNAPSHOT",
    "HANDOVER_COLUMNS",
    "RUN_COLUMNS",
    "RecordedRun",
    "clear_history",
    "contributions",
    "find_run",
    "handovers",
    "history_path",
    "owners",
    "record_run",
    "run_table",
    "runs",
]

Level = Literal["accounts", "contacts"]
RUN_COLUMNS = ["run_id", "as_of", "scored_at", "config_hash", "mode", "accounts_rescored"]
HANDOVER_COLUMNS = ["kind", "contact_id", "account_id", "at", "run_id", "owner"]
# A snapshot's fixed columns; accounts also keep every contribution column (a dotted name).
ACCOUNT_SNAPSHOT = [
    "account_id",
    "name",
    "priority",
    "tier",
    "stage",
    "engaged_contacts",
    "departments_engaged",
    "departments",
    "roles_covered",
    "missing_roles",
    "recent_points",
    "prior_points",
]
CONTACT_SNAPSHOT = ["contact_id", "account_id", "score", "stage", "engaged"]


def history_path(workspace: Path) -> Path:
    return Path(workspace) / "history"


# -- reading ---------------------------------------------------------------------
def runs(workspace: Path) -> pd.DataFrame:
    """The recorded runs, oldest first, with ``RUN_COLUMNS`` (empty when none)."""
    index = history_path(workspace) / "runs.json"
    rows = json.loads(index.read_text(encoding="utf-8")) if index.exists() else []
    frame = pd.DataFrame(rows, columns=RUN_COLUMNS)
    for column in ("as_of", "scored_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
    return frame.astype({"accounts_rescored": "int64"})


def run_table(workspace: Path, run_id: str, level: Level) -> pd.DataFrame:
    """One run's snapshot of ``accounts`` or ``contacts``.

    Raises
    ------
    NotFoundError
        ``run_id`` is not a kept run.
    """
    if run_id not in set(runs(workspace)["run_id"]):
        raise NotFoundError(f"No score run {run_id!r} in the history; see 'abmgraph changes'.")
    return pd.read_parquet(history_path(workspace) / "runs" / run_id / f"{level}.parquet")


def handovers(workspace: Path) -> pd.DataFrame:
    """Every handover so far, in the order recorded, with ``HANDOVER_COLUMNS``."""
    path = history_path(workspace) / "handovers.parquet"
    if not path.exists():
        return _empty_handovers()
    return pd.read_parquet(path)


def find_run(workspace: Path, ref: str) -> str:
    """The run a ``--since`` value names: a run id, a unique prefix of one, or a date.

    A date (or instant) picks the last run whose ``as_of`` is at or before
    it; a bare date means the end of that day.

    Raises
    ------
    StoreError
        Nothing is recorded yet.
    NotFoundError
        No run matches, or a prefix matches several.
    """
    table = runs(workspace)
    if table.empty:
        raise StoreError("No score history yet: run 'abmgraph score' (twice to compare).")
    ref = ref.strip()
    matches = table.loc[table["run_id"].str.startswith(ref), "run_id"] if ref else []
    if len(matches) == 1:
        return str(matches.iloc[0])
    if len(matches) > 1:
        raise NotFoundError(
            f"--since {ref!r} matches {len(matches)} runs; give more of the run id."
        )
    from abmgraph.scoring.engine import parse_as_of

    try:
        when = parse_as_of(ref)
    except StoreError:
        raise NotFoundError(
            f"--since {ref!r} is neither a run id nor a date; see the run ids in "
            f"{history_path(workspace) / 'runs.json'}."
        ) from None
    earlier = table[table["as_of"] <= when]
    if earlier.empty:
        first = table["as_of"].min()
        raise NotFoundError(
            f"No score run at or before {ref}; the oldest kept run is as of {first:%Y-%m-%d}."
        )
    return str(earlier["run_id"].iloc[-1])


def owners(
    store: GraphStore, contact_ids: pd.Series, account_ids: pd.Series
) -> tuple[pd.Series, pd.Series]:
    """The owner of each contact (falling back to its account's) and of each account.

    Returns two Series aligned with the inputs: who a contact alert goes to,
    and who an account alert goes to. Only the rows asked for are read.
    """
    contacts = store.table(
        "contacts", contact_ids.dropna().drop_duplicates(), ["contact_id", "account_id", "owner"]
    )
    contacts = contacts.reindex(columns=["contact_id", "account_id", "owner"])
    employers = pd.concat([account_ids, contacts["account_id"]]).dropna().drop_duplicates()
    accounts = store.table("accounts", employers, ["account_id", "owner"])
    account_owner = accounts.reindex(columns=["account_id", "owner"]).set_index("account_id")
    account_owner = account_owner["owner"]
    by_contact = contacts.set_index("contact_id")
    own = contact_ids.map(by_contact["owner"])
    employer = contact_ids.map(by_contact["account_id"])
    contact_owner = own.where(own.notna(), employer.map(account_owner))
    return contact_owner.astype(object), account_ids.map(account_owner).astype(object)


# -- writing ---------------------------------------------------------------------
@dataclass(frozen=True)
class RecordedRun:
    """A run just recorded: its id and as_of, the run before it, the handovers it added."""

    run_id: str
    as_of: pd.Timestamp
    previous: str | None
    handovers: pd.DataFrame


def record_run(
    workspace: Path, store: GraphStore, result: ScoreResult, config: ScoringConfig
) -> RecordedRun:
    """Snapshot the stored scores after a run, record its handovers, prune old runs."""
    from abmgraph.scoring.config import config_hash

    root = history_path(workspace)
    table = runs(workspace)
    previous = None if table.empty else str(table["run_id"].iloc[-1])
    prior_accounts = None if previous is None else run_table(workspace, previous, "accounts")
    accounts, contacts = snapshot(store, result, prior_accounts)

    scored_at = pd.Timestamp.now(tz="UTC")
    run_id = f"{scored_at:%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"
    staging = root / "runs" / f".{run_id}.tmp"
    staging.mkdir(parents=True)
    for level, frame in (("accounts", accounts), ("contacts", contacts)):
        frame.to_parquet(staging / f"{level}.parquet", index=False)
    staging.rename(root / "runs" / run_id)

    added = _new_handovers(store, handovers(workspace), accounts, contacts, run_id, result.as_of)
    if not added.empty:
        with atomic_open(root / "handovers.parquet", "wb") as stream:
            pd.concat([handovers(workspace), added], ignore_index=True).to_parquet(
                stream, index=False
            )

    entry = {
        "run_id": run_id,
        "as_of": result.as_of.isoformat(),
        "scored_at": scored_at.isoformat(),
        "config_hash": config_hash(config),
        "mode": getattr(result, "mode", "full"),
        "accounts_rescored": int(getattr(result, "accounts_rescored", len(result.accounts))),
    }
    kept = [*_index_rows(table), entry][-config.history.keep_runs :]
    atomic_write_text(root / "runs.json", json.dumps(kept, indent=1) + "\n")
    _prune(root / "runs", {row["run_id"] for row in kept})
    return RecordedRun(run_id, result.as_of, previous, added)


def clear_history(workspace: Path) -> None:
    """Forget every run and handover (the store they describe was emptied)."""
    shutil.rmtree(history_path(workspace), ignore_errors=True)


# -- snapshots -------------------------------------------------------------------
def snapshot(
    store: GraphStore, result: ScoreResult, prior_accounts: pd.DataFrame | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The compact account and contact tables of the store's scores after ``result``."""
    scores = store.scores("accounts")
    people = store.scores("contacts")
    contacts = (
        people.reindex(columns=CONTACT_SNAPSHOT)
        .astype({"score": "float64"})
        .assign(engaged=lambda f: f["engaged"].fillna(False).astype(bool))
        .sort_values("contact_id", kind="stable")
        .reset_index(drop=True)
    )
    departments = _departments(store, contacts)
    accounts = scores.assign(
        departments=scores["account_id"].map(departments).astype(object).fillna(""),
        roles_covered=_joined(scores["roles_covered"]),
        missing_roles=_joined(scores["missing_roles"]),
    ).reindex(columns=ACCOUNT_SNAPSHOT)
    accounts = accounts.merge(
        contributions(scores, result.accounts, prior_accounts), on="account_id", how="left"
    )
    accounts = accounts.astype({"priority": "float64", "tier": "int64"})
    return accounts.sort_values("account_id", kind="stable").reset_index(drop=True), contacts


def contributions(
    scores: pd.DataFrame, fresh: pd.DataFrame, prior: pd.DataFrame | None
) -> pd.DataFrame:
    """Each account's contribution columns (a dotted name: ``fit.industry`` …).

    From the stored scores when they keep them; else the rows this run
    scored, and for accounts it left alone, their values in the run before.
    """
    stored = _dotted(scores)
    if stored:
        return scores[["account_id", *stored]]
    out = fresh[["account_id", *_dotted(fresh)]]
    if prior is not None:
        kept = prior.loc[~prior["account_id"].isin(out["account_id"])]
        out = pd.concat([out, kept[["account_id", *_dotted(prior)]]], ignore_index=True)
    return out[out["account_id"].isin(scores["account_id"])]


def _dotted(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if "." in c and pd.api.types.is_numeric_dtype(frame[c])]


def _departments(store: GraphStore, contacts: pd.DataFrame) -> pd.Series:
    """The distinct departments of each account's engaged contacts, ``;``-joined and sorted."""
    engaged = contacts.loc[contacts["engaged"], ["contact_id", "account_id"]]
    known = store.table("contacts", engaged["contact_id"], ["contact_id", "department"])
    pairs = (
        engaged.merge(known.reindex(columns=["contact_id", "department"]), on="contact_id")
        .dropna(subset=["account_id", "department"])
        .drop_duplicates(["account_id", "department"])
        .sort_values(["account_id", "department"])
    )
    return pairs.groupby("account_id")["department"].agg(SEPARATOR.join).astype(object)


def _joined(lists: pd.Series) -> pd.Series:
    """Role lists as stored (a list, an array or ``a;b`` text) as ``a;b`` text."""

    def join(value: Any) -> str:
        if isinstance(value, str):
            return value
        if value is None or (isinstance(value, float) and pd.isna(value)):
            return ""
        return SEPARATOR.join(str(v) for v in value)

    return lists.map(join).astype(object)


# -- handovers -------------------------------------------------------------------
def _empty_handovers() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in HANDOVER_COLUMNS})
    return frame.astype({"at": "datetime64[ns, UTC]"})


def _new_handovers(
    store: GraphStore,
    recorded: pd.DataFrame,
    accounts: pd.DataFrame,
    contacts: pd.DataFrame,
    run_id: str,
    as_of: pd.Timestamp,
) -> pd.DataFrame:
    """The threshold crossings of this run that no earlier run recorded."""
    crossed = pd.concat(
        [
            contacts.loc[
                contacts["stage"].isin(["mql", "sql"]), ["contact_id", "account_id"]
            ].assign(kind="mql"),
            contacts.loc[contacts["stage"] == "sql", ["contact_id", "account_id"]].assign(
                kind="sql"
            ),
            accounts.loc[accounts["tier"] == 1, ["account_id"]].assign(kind="tier1"),
        ],
        ignore_index=True,
    ).reindex(columns=["kind", "contact_id", "account_id"])
    # A contact's handover is keyed by the contact, an account's by the account.
    key = crossed["contact_id"].where(crossed["kind"] != "tier1", crossed["account_id"])
    seen = recorded["contact_id"].where(recorded["kind"] != "tier1", recorded["account_id"])
    fresh = ~pd.MultiIndex.from_arrays([crossed["kind"], key]).isin(
        pd.MultiIndex.from_arrays([recorded["kind"], seen])
    )
    added = crossed[fresh].reset_index(drop=True)
    if added.empty:
        return _empty_handovers()
    contact_owner, account_owner = owners(store, added["contact_id"], added["account_id"])
    owner = contact_owner.where(added["kind"] != "tier1", account_owner)
    return added.assign(at=as_of, run_id=run_id, owner=owner)[HANDOVER_COLUMNS].astype(
        {"contact_id": object, "owner": object}
    )


# -- the index -------------------------------------------------------------------
def _index_rows(table: pd.DataFrame) -> list[dict[str, Any]]:
    rows = table.astype({"as_of": object, "scored_at": object}).to_dict("records")
    for row in rows:
        row["as_of"] = row["as_of"].isoformat()
        row["scored_at"] = row["scored_at"].isoformat()
        row["accounts_rescored"] = int(row["accounts_rescored"])
    return rows


def _prune(folder: Path, keep: set[str]) -> None:
    """Remove the run folders the index no longer names (and any a crash left staged)."""
    for path in folder.iterdir():
        if path.is_dir() and path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)
