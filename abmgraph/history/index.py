"""The run index (``history/runs.json``): reading runs, recording one, pruning old ones."""

from __future__ import annotations

import json
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from abmgraph.errors import NotFoundError, StoreError
from abmgraph.history.chains import (
    LARGEST_PATCH,
    LONGEST_CHAIN,
    chain,
    cumulative,
    mapped,
    needed_runs,
    patches_on_base,
    read_level,
    stored_digest,
    write_run,
)
from abmgraph.history.handover_log import OwnerBook, handovers, new_handovers
from abmgraph.history.snapshots import (
    replaced,
    score_digest,
    snapshot,
    updated_snapshot,
)
from abmgraph.idsets import among
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
    """One run's snapshot of ``accounts`` or ``contacts`` (every row, whatever it rescored).

    Raises
    ------
    NotFoundError
        ``run_id`` is not a kept run.
    """
    if run_id not in set(runs(workspace)["run_id"]):
        raise NotFoundError(f"No score run {run_id!r} in the history; see 'abmgraph changes'.")
    folder = history_path(workspace) / "runs"
    lineage = chain(folder, run_id)
    if lineage is None:
        raise NotFoundError(
            f"Score run {run_id} lost its files (in {folder}); compare with another run (--since)."
        )
    return read_level(folder, lineage, level)


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

    After a full run (or the first), ``accounts`` and ``contacts`` are the
    run's whole snapshot and ``prior_accounts`` and ``prior_contacts`` the
    run before's (None on the first run), so a caller comparing them need not
    read them back. After an incremental run they hold only the rows it
    rescored, and the run before's rows of the same ids, and
    ``rescored_accounts`` and ``rescored_contacts`` are those ids (None after
    a full run): only their rows can differ from the run before's.
    ``owners`` knows who owns the contacts and accounts that crossed a
    threshold, to route alerts without asking the store again.
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
    owners: OwnerBook | None = None


def record_run(
    workspace: Path, store: GraphStore, result: ScoreResult, config: ScoringConfig
) -> RecordedRun:
    """Snapshot the stored scores after a run, record its handovers, prune old runs.

    An incremental run after a recorded one writes a patch: the rows
    rescored since the last full snapshot (see :mod:`abmgraph.history.chains`).
    """
    from abmgraph.scoring.config import config_hash

    root = history_path(workspace)
    folder = root / "runs"
    table = runs(workspace)
    previous = None if table.empty else str(table["run_id"].iloc[-1])
    lineage = None if previous is None else chain(folder, previous)
    if lineage is None:
        previous = None  # its files were deleted: this run starts the comparisons afresh
    patch = None if lineage is None else _patch(folder, lineage, store, result)

    scored_at = pd.Timestamp.now(tz="UTC")
    run_id = f"{scored_at:%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"
    staging = folder / f".{run_id}.tmp"
    if patch is not None and lineage is not None:
        accounts, contacts, prior_accounts, prior_contacts, stored = patch
        rescored = result.accounts["account_id"]
        _write_patch(folder, staging, lineage, accounts, contacts, stored)
    else:
        prior_accounts = None if lineage is None else read_level(folder, lineage, "accounts")
        prior_contacts = None if lineage is None else read_level(folder, lineage, "contacts")
        accounts, contacts = snapshot(store, result, prior_accounts)
        stored = score_digest(store.scores("accounts"))
        write_run(staging, accounts, contacts, base=None, compact=True, stored=stored)
    staging.rename(folder / run_id)

    book = OwnerBook(store)
    ask_also = None
    if patch is not None:
        # The contacts an alert may go out for (now an MQL or an SQL, and not before)
        # and the rescored accounts: their owners are read with the handovers' in one
        # lookup.
        was = contacts["contact_id"].map(prior_contacts.set_index("contact_id")["stage"])
        moved = contacts["stage"].isin(["mql", "sql"]) & (contacts["stage"] != was)
        ask_also = (contacts.loc[moved, "contact_id"], rescored)
    recorded = handovers(workspace)
    # A patch holds the rescored rows only: every other row was in the run before's
    # snapshot, whose handovers are recorded, so only these can cross for the first time.
    added = new_handovers(
        book, recorded, accounts, contacts, run_id, result.as_of, ask_also=ask_also
    )
    if not added.empty:
        every = pa.Table.from_pandas(
            pd.concat([recorded, added], ignore_index=True), preserve_index=False
        )
        with atomic_open(root / "handovers.parquet", "wb") as stream:
            # Rewritten whole after every run that adds one: uncompressed, with no
            # statistics, it writes in a third of the time (the ids barely compress).
            pq.write_table(
                every,
                stream,
                compression="none",
                use_dictionary=["kind", "run_id", "owner"],
                write_statistics=False,
            )

    entry = {
        "run_id": run_id,
        "as_of": result.as_of.isoformat(),
        "scored_at": scored_at.isoformat(),
        "config_hash": config_hash(config),
        "mode": getattr(result, "mode", "full"),
        "accounts_rescored": int(getattr(result, "accounts_rescored", len(result.accounts))),
    }
    # A run whose files were deleted can no longer be compared with: the index drops it.
    known: dict[str, list[str] | None] = {}
    usable = [r for r in _index_rows(table) if chain(folder, r["run_id"], known) is not None]
    kept = [*usable, entry][-config.history.keep_runs :]
    atomic_write_text(root / "runs.json", json.dumps(kept, indent=1) + "\n")
    _prune(folder, needed_runs(folder, [row["run_id"] for row in kept]))
    incremental = patch is not None
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
        book,
    )


def _write_patch(
    folder: Path,
    staging: Path,
    lineage: list[str],
    accounts: pd.DataFrame,
    contacts: pd.DataFrame,
    stored: tuple[int, int],
) -> None:
    """Write an incremental run's rows as a patch on its base, or whole when the chain is
    long, the patch large or the base a Parquet snapshot (later patches start from it)."""
    patches = patches_on_base(folder, lineage[0]) + 1
    if patches <= LONGEST_CHAIN and mapped(folder, lineage[-1]):
        grown = [
            cumulative(folder, lineage, "accounts", accounts),
            cumulative(folder, lineage, "contacts", contacts),
        ]
        if grown[0].num_rows <= LARGEST_PATCH * stored[0]:
            write_run(
                staging, *grown, base=lineage[-1], compact=False, stored=stored, patches=patches
            )
            return
    write_run(
        staging,
        replaced(read_level(folder, lineage, "accounts"), accounts, "account_id"),
        replaced(read_level(folder, lineage, "contacts"), contacts, "contact_id"),
        base=None,
        compact=False,
        stored=stored,
    )


def _patch(
    folder: Path, lineage: list[str], store: GraphStore, result: ScoreResult
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame, tuple[int, int]] | None:
    """An incremental run's rescored rows, the run before's rows of the same ids, and
    the digest of the stored account scores.

    None for a full run, or when the run before's snapshot is not what the
    store held before this run (see ``updated_snapshot``).
    """
    if getattr(result, "mode", "full") != "incremental":
        return None
    rescored = result.accounts["account_id"]
    prior_stored = stored_digest(folder, lineage[0])
    # With the digest the run before recorded, its rows of the rescored accounts suffice.
    only = None if prior_stored is None else {"account_id": rescored}
    prior_accounts = read_level(folder, lineage, "accounts", only)
    # The run before's rows of the rescored accounts' contacts (the departments an
    # account engaged count them all), then of any other contact rescored: one that
    # moved from an account left alone, or is new (rare: only then a second look).
    prior_contacts = read_level(folder, lineage, "contacts", {"account_id": rescored})
    fresh = result.contacts["contact_id"]
    others = fresh.loc[~among(fresh, prior_contacts["contact_id"])]
    if not others.empty:
        theirs = read_level(folder, lineage, "contacts", {"contact_id": others})
        prior_contacts = pd.concat(
            [frame for frame in (prior_contacts, theirs) if not frame.empty] or [theirs],
            ignore_index=True,
        ).drop_duplicates("contact_id")
    rows = updated_snapshot(store, result, prior_accounts, prior_contacts, prior_stored)
    if rows is None:
        return None
    accounts, contacts, stored = rows
    return (
        accounts,
        contacts,
        prior_accounts.loc[among(prior_accounts["account_id"], rescored)],
        prior_contacts.loc[among(prior_contacts["contact_id"], contacts["contact_id"])],
        stored,
    )


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
    """Remove the run folders no kept run reads (and any a crash left staged)."""
    for path in folder.iterdir():
        if path.is_dir() and path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)
