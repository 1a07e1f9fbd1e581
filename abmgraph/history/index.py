"""The run index (``history/runs.json``): reading runs, recording one, pruning old ones."""

from __future__ import annotations

import json
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from abmgraph.errors import NotFoundError, StoreError
from abmgraph.history.handover_log import handovers, new_handovers
from abmgraph.history.snapshots import among, snapshot, updated_snapshot
from abmgraph.safe_io import atomic_open, atomic_write_text

if TYPE_CHECKING:
    from abmgraph.graph.store import GraphStore
    from abmgraph.scoring.config import ScoringConfig
    from abmgraph.scoring.engine import ScoreResult

__all__ = [
    "RUN_COLUMNS",
    "RecordedRun",
    "clear_history",
    "find_run",
    "history_path",
    "record_run",
    "run_table",
    "runs",
]

Level = Literal["accounts", "contacts"]
RUN_COLUMNS = ["run_id", "as_of", "scored_at", "config_hash", "mode", "accounts_rescored"]


def history_path(workspace: Path) -> Path:
    return Path(workspace) / "history"


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
    path = history_path(workspace) / "runs" / run_id / f"{level}.parquet"
    if not path.exists():
        raise NotFoundError(
            f"Score run {run_id} lost its files ({path} is missing); compare with another "
            "run (--since)."
        )
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


@dataclass(frozen=True)
class RecordedRun:
    """A run just recorded: its id and as_of, the run before it, the handovers it added.

    ``accounts`` and ``contacts`` are the run's snapshot, ``prior_accounts``
    and ``prior_contacts`` the run before's (None on the first run), so a
    caller comparing them need not read them back. ``rescored_accounts`` and
    ``rescored_contacts`` are the ids an incremental run rescored (None after
    a full run): only their rows can differ from the run before's.
    """

    run_id: str
    as_of: pd.Timestamp
    previous: str | None
    handovers: pd.DataFrame
    accounts: pd.DataFrame
    contacts: pd.DataFrame
    prior_accounts: pd.DataFrame | None = None
    prior_contacts: pd.DataFrame | None = None
    rescored_accounts: pd.Series | None = None
    rescored_contacts: pd.Series | None = None


def record_run(
    workspace: Path, store: GraphStore, result: ScoreResult, config: ScoringConfig
) -> RecordedRun:
    """Snapshot the stored scores after a run, record its handovers, prune old runs."""
    from abmgraph.scoring.config import config_hash

    root = history_path(workspace)
    table = runs(workspace)
    previous = None if table.empty else str(table["run_id"].iloc[-1])
    if previous is not None and not _complete(root / "runs" / previous):
        previous = None  # its files were deleted: this run starts the comparisons afresh
    prior_accounts = None if previous is None else run_table(workspace, previous, "accounts")
    prior_contacts = None if previous is None else run_table(workspace, previous, "contacts")
    updated = None
    if prior_accounts is not None and prior_contacts is not None:
        updated = updated_snapshot(store, result, prior_accounts, prior_contacts)
    accounts, contacts = updated or snapshot(store, result, prior_accounts)

    scored_at = pd.Timestamp.now(tz="UTC")
    run_id = f"{scored_at:%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"
    staging = root / "runs" / f".{run_id}.tmp"
    staging.mkdir(parents=True)
    for level, frame in (("accounts", accounts), ("contacts", contacts)):
        frame.to_parquet(staging / f"{level}.parquet", index=False)
    staging.rename(root / "runs" / run_id)

    recorded = handovers(workspace)
    crossing = (accounts, contacts)
    if updated is not None:
        # Every row the run left alone was in the run before's snapshot, whose handovers
        # are recorded: only the rescored rows can cross a threshold for the first time.
        crossing = (
            accounts.loc[among(accounts["account_id"], result.accounts["account_id"])],
            contacts.loc[among(contacts["contact_id"], result.contacts["contact_id"])],
        )
    added = new_handovers(store, recorded, *crossing, run_id, result.as_of)
    if not added.empty:
        with atomic_open(root / "handovers.parquet", "wb") as stream:
            pd.concat([recorded, added], ignore_index=True).to_parquet(stream, index=False)

    entry = {
        "run_id": run_id,
        "as_of": result.as_of.isoformat(),
        "scored_at": scored_at.isoformat(),
        "config_hash": config_hash(config),
        "mode": getattr(result, "mode", "full"),
        "accounts_rescored": int(getattr(result, "accounts_rescored", len(result.accounts))),
    }
    # A run whose files were deleted can no longer be compared with: the index drops it.
    usable = [row for row in _index_rows(table) if _complete(root / "runs" / row["run_id"])]
    kept = [*usable, entry][-config.history.keep_runs :]
    atomic_write_text(root / "runs.json", json.dumps(kept, indent=1) + "\n")
    _prune(root / "runs", {row["run_id"] for row in kept})
    incremental = updated is not None
    return RecordedRun(
        run_id,
        result.as_of,
        previous,
        added,
        accounts,
        contacts,
        prior_accounts,
        prior_contacts,
        result.accounts["account_id"] if incremental else None,
        result.contacts["contact_id"] if incremental else None,
    )


def _complete(folder: Path) -> bool:
    return all((folder / f"{level}.parquet").exists() for level in ("accounts", "contacts"))


def clear_history(workspace: Path) -> None:
    """Forget every run and handover (the store they describe was emptied)."""
    shutil.rmtree(history_path(workspace), ignore_errors=True)


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
