"""The watched folder: which files are taken, in what order, and where they go after.

Naming rule: a file's name says its kind. It is the kind, optionally
followed by ``-`` or ``_`` and anything, then a format extension ingest
reads (``.csv``, ``.tsv``, ``.txt``, ``.parquet``, ``.pq``, ``.jsonl``,
``.ndjson``, ``.json``; another extension fails on ingest, with the
reader's advice, such as exporting a spreadsheet as CSV):
``engagements-2026-12-06.csv``,
``opportunity-contacts_q4.parquet``, ``accounts.csv``. A CRM export names
its preset first: ``salesforce-contacts-0612.csv``,
``hubspot-accounts.csv``. Kinds are spelled as on the command line or with
underscores, in any case. A name that follows no kind goes to ``failed/``
with a reason stating this rule.

Ignored, left where they are: dotfiles (``.engagements.csv.swp``, the
usual way to write a file before renaming it into place), names of files
still being downloaded or edited (``~…``, ``…~``, ``#…#``, ``*.tmp``,
``*.part``, ``*.partial``, ``*.crdownload``, ``*.download``, ``*.swp``),
folders, and anything that is not a regular file.

A file is taken only once it is stable: the same size and modification
time at two looks one poll apart. A file still being written changes
between them and waits for the next poll.

Order: by kind, parents first (accounts, contacts, engagements, intent,
opportunities, opportunity-contacts), then by modification time, then name.

Moves are renames inside the folder (``done/`` and ``failed/`` are in it),
so a file is always whole in one place: never half in the inbox and half
moved. A file that loaded goes to ``done/``, its rejected rows (if any) to
``done/<name>.rejects.csv``; a file that failed goes to ``failed/`` with the
one-line error in ``failed/<name>.reason.txt``. A name already taken there
(the same file name dropped again) gets ``-2``, ``-3`` … before its extension.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from abmgraph.errors import InputError
from abmgraph.ingest.pipeline import CLI_KINDS
from abmgraph.ingest.readers import FORMATS
from abmgraph.safe_io import atomic_write_text

__all__ = [
    "KIND_ORDER",
    "NAMING_RULE",
    "Inbox",
    "Signature",
    "is_ignored",
    "kind_of",
    "parse_name",
    "reason_path",
    "rejects_path",
]

# The kinds as the command line spells them, parents before the rows that refer to them.
KIND_ORDER = tuple(CLI_KINDS)
# Longest spelling first, so "opportunity-contacts-x" is never read as something shorter.
_SPELLINGS = sorted(
    {spelling: kind for kind in KIND_ORDER for spelling in (kind, kind.replace("-", "_"))}.items(),
    key=lambda item: -len(item[0]),
)
# Presets a file name may start with (``salesforce-contacts-1.csv``); native is the default.
NAME_PRESETS = ("salesforce", "hubspot")
NAMING_RULE = (
    "name a file after its kind, then '-' and anything ("
    + ", ".join(f"{kind}-*" for kind in KIND_ORDER)
    + f"), with one of the extensions {', '.join(FORMATS)}; a CRM export starts with "
    + " or ".join(f"'{preset}-'" for preset in NAME_PRESETS)
)
_TEMP_SUFFIXES = (".tmp", ".part", ".partial", ".crdownload", ".download", ".swp", "~")
_TEMP_PREFIXES = (".", "~", "#")


def is_ignored(name: str) -> bool:
    """True for a dotfile or a name of a file still being downloaded or edited.

    >>> [is_ignored(n) for n in (".x.csv", "a.csv.part", "~$a.csv", "engagements-1.csv")]
    [True, True, True, False]
    """
    folded = name.lower()
    return folded.startswith(_TEMP_PREFIXES) or folded.endswith(_TEMP_SUFFIXES)


def parse_name(name: str) -> tuple[str, str] | None:
    """The kind (CLI spelling) and preset a file name announces; None when it follows no kind.

    The extension is not judged here: a kind's file in a format ingest cannot
    read (``accounts-1.xlsx``) fails on ingest, with the reader's advice.

    >>> parse_name("engagements-1.csv"), parse_name("Salesforce-Contacts_0612.csv")
    (('engagements', 'native'), ('contacts', 'salesforce'))
    >>> parse_name("notes.csv") is None
    True
    """
    path = Path(name.lower())
    stem = path.name[: -len(path.suffix)] if path.suffix else path.name
    preset = "native"
    for candidate in NAME_PRESETS:
        if stem.startswith((f"{candidate}-", f"{candidate}_")):
            preset, stem = candidate, stem[len(candidate) + 1 :]
            break
    for spelling, kind in _SPELLINGS:
        if stem == spelling or stem.startswith((f"{spelling}-", f"{spelling}_")):
            return kind, preset
    return None


def kind_of(name: str) -> str | None:
    """The kind a file name announces (CLI spelling), or None when it follows no kind.

    >>> [kind_of(n) for n in ("engagements-1.csv", "Opportunity_Contacts.parquet", "x.csv")]
    ['engagements', 'opportunity-contacts', None]
    """
    parsed = parse_name(name)
    return parsed[0] if parsed else None


@dataclass(frozen=True, order=True)
class Signature:
    """What a look records of a file: it is stable while these stay the same."""

    mtime_ns: int
    size: int


@dataclass(frozen=True)
class Inbox:
    """The watched folder with its ``done/`` and ``failed/`` subfolders."""

    folder: Path

    @property
    def done(self) -> Path:
        return self.folder / "done"

    @property
    def failed(self) -> Path:
        return self.folder / "failed"

    def look(self) -> dict[str, Signature]:
        """Every candidate file in the folder (not ignored, regular) and its signature now.

        Raises
        ------
        InputError
            The folder cannot be listed (removed, or no permission).
        """
        found: dict[str, Signature] = {}
        try:
            entries = os.scandir(self.folder)
        except OSError as exc:
            raise InputError(
                f"cannot list the watched folder {self.folder} ({exc.strerror or exc}); "
                "check that it exists and can be read."
            ) from None
        with entries:
            for entry in entries:
                if is_ignored(entry.name):
                    continue
                try:
                    info = entry.stat(follow_symlinks=True)
                except OSError:  # removed between listing and stat
                    continue
                if stat.S_ISREG(info.st_mode):
                    found[entry.name] = Signature(info.st_mtime_ns, info.st_size)
        return found

    def signature(self, name: str) -> Signature | None:
        """The file's signature now; None when it is gone."""
        try:
            info = (self.folder / name).stat()
        except OSError:
            return None
        return Signature(info.st_mtime_ns, info.st_size)

    @staticmethod
    def stable(before: dict[str, Signature], now: dict[str, Signature]) -> list[str]:
        """Names seen unchanged at both looks, in processing order (see :meth:`ordered`)."""
        return Inbox.ordered([n for n, sig in now.items() if before.get(n) == sig], now)

    @staticmethod
    def ordered(names: list[str] | set[str], now: dict[str, Signature]) -> list[str]:
        """``names`` (all in ``now``) in processing order: kind, modification time, name.

        Names that follow no kind come last: they are only moved to ``failed/``.
        """
        rank = {kind: i for i, kind in enumerate(KIND_ORDER)}

        def key(name: str) -> tuple[int, int, str]:
            kind = kind_of(name)
            return (rank[kind] if kind else len(rank), now[name].mtime_ns, name)

        return sorted(names, key=key)

    def done_target(self, name: str, taken: set[str] | frozenset[str] = frozenset()) -> Path:
        """The free path in ``done/`` that ``name`` will move to; its rejects go beside it.

        Chosen before the file is ingested, so the rejects file
        (``<target>.rejects.csv``) and the file keep matching names.
        """
        return _free(self.done, name, companions=(".rejects.csv",), taken=taken)

    def move_done(self, name: str, target: Path) -> None:
        """Move a processed file to ``target`` (from :meth:`done_target`)."""
        self._rename(name, target)

    def move_failed(self, name: str, reason: str) -> Path:
        """Move a failed file into ``failed/`` with ``<name>.reason.txt`` holding ``reason``.

        The reason is written first: a file in ``failed/`` always has its reason.
        """
        target = _free(self.failed, name, companions=(".reason.txt", ".rejects.csv"))
        try:
            atomic_write_text(reason_path(target), reason.strip() + "\n")
        except OSError as exc:
            raise self._unwritable(target.parent, exc) from None
        self._rename(name, target)
        return target

    def _rename(self, name: str, target: Path) -> None:
        # A rename inside one folder tree: the file is whole in one place or the other.
        try:
            os.replace(self.folder / name, target)
        except OSError as exc:
            raise self._unwritable(target.parent, exc) from None

    def _unwritable(self, where: Path, exc: OSError) -> InputError:
        return InputError(
            f"cannot move a file into {where} ({exc.strerror or exc}); "
            f"check that {self.folder} and its subfolders can be written."
        )


def reason_path(failed: Path) -> Path:
    """The reason file of a file in ``failed/``."""
    return failed.with_name(f"{failed.name}.reason.txt")


def rejects_path(done: Path) -> Path:
    """The rejects file of a file in ``done/``."""
    return done.with_name(f"{done.name}.rejects.csv")


def _free(
    folder: Path,
    name: str,
    companions: tuple[str, ...],
    taken: set[str] | frozenset[str] = frozenset(),
) -> Path:
    """``folder/name``, or ``name`` with ``-2``, ``-3`` … before its extension when it is in
    ``taken`` or it or one of its companion files (``name`` + each suffix) exists."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            f"cannot create {folder} ({exc.strerror or exc}); check that its parent can be written."
        ) from None
    path = Path(name)
    candidate = folder / name
    number = 2
    while candidate.name in taken or any(
        folder.joinpath(candidate.name + c).exists() for c in ("", *companions)
    ):
        candidate = folder / f"{path.stem}-{number}{path.suffix}"
        number += 1
    return candidate
