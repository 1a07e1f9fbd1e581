"""``export_audience``: select, normalise, hash, split, write, and say what was left out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from abmgraph.errors import InputError, StoreError
from abmgraph.export import writer
from abmgraph.export.audience import (
    CONTACT_FILTERS,
    Selection,
    resolve_filters,
    select_accounts,
    select_contacts,
)
from abmgraph.export.platforms import CONTACT_SOURCES, Level, Platform, platform_spec
from abmgraph.export.reasons import explain_left_out, fixes
from abmgraph.export.summary import WriteSummary
from abmgraph.graph.store import GraphStore
from abmgraph.safe_io import check_output
from abmgraph.scoring.config import AudienceFilters, ScoringConfig, config_hash

__all__ = ["ExportReport", "export_audience"]


@dataclass(kw_only=True)
class ExportReport(WriteSummary):
    """What an export selected, left out (and why), and wrote."""

    level: Level
    audience: str | None
    filters: AudienceFilters
    hashed: tuple[str, ...]
    limits: dict[str, int | None]
    truncated: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The manifest written beside the files."""
        return {
            "platform": self.platform,
            "level": self.level,
            "audience": self.audience,
            "filters": self.filters.model_dump(mode="json"),
            "hashed_columns": list(self.hashed),
            "as_of": self.as_of,
            "config_hash": self.config_hash,
            "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "counts": self.count_block(),
            "truncated": dict(self.truncated),
            "limits": dict(self.limits),
            "files": [part.as_dict() for part in self.parts],
            "warnings": list(self.warnings),
        }

    def summary_line(self) -> str:
        line = super().summary_line()
        actions = fixes(self.excluded, self.platform)
        if actions:
            line += f" To include more — {actions}."
        return line


def _filters(
    config: ScoringConfig,
    audience: str | None,
    filters: AudienceFilters | Mapping[str, Any] | None,
) -> AudienceFilters:
    if isinstance(filters, AudienceFilters):
        return resolve_filters(config, audience, filters.model_dump(exclude_unset=True))
    return resolve_filters(config, audience, filters)


def _target(out: Path | None, spec: Platform) -> Path:
    if out is None:
        return Path(spec.name + spec.suffix)
    out = Path(out)
    if out.is_dir():
        return out / (spec.name + spec.suffix)
    if spec.name == "6sense-accounts" and " " in out.name:
        raise InputError(f"6sense refuses file names with spaces: choose another --out than {out}.")
    return out


def _limit(platform: int | None, asked: int | None) -> int | None:
    """The smaller of the platform's limit and the one asked for (an override only lowers it)."""
    given = [value for value in (platform, asked) if value is not None]
    return min(given) if given else None


def _duplicates(rows: pd.DataFrame, keys: tuple[str, ...]) -> np.ndarray:
    """Rows whose identifier repeats an earlier (higher-ranked) row's.

    The identifier is the first of ``keys`` a row has: the same email twice is
    one person, whatever else differs; rows without an email compare phones.
    """
    if not keys:
        return np.zeros(len(rows), dtype=bool)
    key = rows[keys[0]]
    for name in keys[1:]:
        key = key.fillna(rows[name].radd(name + ":"))
    return (key.duplicated() & key.notna()).to_numpy()


def _plain_emails(spec: Platform) -> bool:
    """Whether the list carries plain emails that ``--hash`` would turn into SHA-256."""
    return spec.level == "contacts" and "email" in spec.header and not spec.hashed


def _warnings(
    spec: Platform,
    report_rows: int,
    parts: list[writer.FilePart],
    selection: Selection,
    filters: AudienceFilters,
    stale: bool,
    hash_emails: bool,
) -> list[str]:
    out = []
    if report_rows < spec.min_rows:
        out.append(
            f"{report_rows:,} rows is below {spec.name}'s minimum useful size of "
            f"{spec.min_rows:,}: {spec.min_note}."
        )
    elif len(parts) > 1 and min(part.rows for part in parts) < spec.min_rows:
        smallest = min(part.rows for part in parts)
        out.append(
            f"The smallest of the {len(parts)} files has {smallest:,} rows, below "
            f"{spec.name}'s minimum useful size of {spec.min_rows:,}; split less finely."
        )
    if selection.unknown_account_ids:
        out.append(
            f"{selection.unknown_account_ids:,} of the account ids given are not in the store."
        )
    defaults = AudienceFilters()
    ignored = [
        name for name in CONTACT_FILTERS if getattr(filters, name) != getattr(defaults, name)
    ]
    if spec.level == "accounts" and ignored:
        out.append(f"{', '.join(ignored)} only filter contact exports; ignored for {spec.name}.")
    if hash_emails and not _plain_emails(spec):
        out.append(f"--hash applies to plain emails in contact lists; {spec.name} is unchanged.")
    if stale:
        out.append(
            "The scores were computed with a different scoring config than the current one; "
            "run 'abmgraph score' for a list that matches it."
        )
    return out


def export_audience(
    store: GraphStore,
    platform: str,
    out: Path | None,
    filters: AudienceFilters | Mapping[str, Any] | None = None,
    config: ScoringConfig | None = None,
    dry_run: bool = False,
    *,
    audience: str | None = None,
    level: Level | None = None,
    hash_emails: bool = False,
    max_rows: int | None = None,
    max_bytes: int | None = None,
    protected: Sequence[Path] = (),
    force: bool = False,
) -> ExportReport:
    """Write an audience file (or files) for ``platform`` from the stored scores.

    Parameters
    ----------
    store
        A scored graph store.
    platform
        ``linkedin-companies``, ``linkedin-contacts``, ``google-customer-match``,
        ``meta-customer-list``, ``6sense-accounts``, ``demandbase-accounts``,
        ``csv`` or ``json``.
    out
        The file to write (an existing folder gets ``PLATFORM.csv`` inside);
        numbered parts beside it when the list exceeds the platform's limits.
    filters
        Filters, or a mapping of the ones given on the command line; with
        ``audience`` they override that audience's settings.
    config
        The scoring config: its ``[audiences]`` tables, and its hash to tell
        whether the stored scores are stale.
    dry_run
        Select and count, write nothing.
    audience
        A name from the config's ``[audiences]`` tables.
    level
        ``accounts`` or ``contacts``, for ``csv`` and ``json`` only (default accounts).
    hash_emails
        SHA-256 the emails of a LinkedIn contact list (or a csv/json contact list).
    max_rows, max_bytes
        Split at fewer rows or bytes per file than the platform allows.
    protected
        Folders no output may be written into (the workspace's store).
    force
        Write a LinkedIn list even under the 300 rows LinkedIn refuses.

    Returns
    -------
    ExportReport
        Counts included and excluded by reason, the files, any warnings.

    Raises
    ------
    StoreError
        The store was never scored.
    ConfigError
        An unknown audience or an invalid filter value.
    InputError
        An unknown platform, an unreadable ``--account-ids`` file, an
        output name the platform refuses, a list with no rows (the message
        says why each candidate was left out and the fix), or a LinkedIn
        list under 300 rows without ``force``. Nothing is written then.
    """
    config = config or ScoringConfig()
    meta = store.score_meta()
    if meta is None:
        raise StoreError("Nothing is scored yet: run 'abmgraph score' first.")
    spec = platform_spec(platform, level)
    chosen = _filters(config, audience, filters)
    path = _target(out, spec)

    if spec.level == "contacts":
        accepted = config.export.consent.accepted(spec.name)
        selection = select_contacts(store, chosen, CONTACT_SOURCES, consent=accepted)
    else:
        selection = select_accounts(store, chosen, email_domains=spec.name == "linkedin-companies")
    built = spec.build(selection.rows, hash_emails)
    excluded = dict(selection.excluded)
    usable = built.reasons.isna().to_numpy()
    excluded.update(built.reasons[~usable].value_counts().astype(int).to_dict())
    rows = built.rows[usable]
    repeated = _duplicates(rows, spec.dedupe_on)
    if spec.dedupe_on:
        excluded["duplicate"] = int(repeated.sum())
    rows = rows.loc[~repeated, list(spec.header)].reset_index(drop=True)

    limits = {
        "max_rows": _limit(spec.max_rows, max_rows),
        "max_bytes": _limit(spec.max_bytes, max_bytes),
        "min_rows": spec.min_rows,
    }
    if spec.format == "json":
        text = writer.json_text(rows)
        parts = [writer.FilePart(path, 0, len(rows), len(text.encode("utf-8")))]
    else:
        columns = writer.cells(rows)
        plan = writer.plan_parts(
            writer.row_bytes(columns),
            writer.header_bytes(spec.header),
            limits["max_rows"],
            limits["max_bytes"],
        )
        paths = writer.part_paths(path, len(plan))
        parts = [writer.FilePart(p, *span) for p, span in zip(paths, plan, strict=True)]

    hashed = ("email",) if hash_emails and _plain_emails(spec) else spec.hashed
    report = ExportReport(
        platform=spec.name,
        level=spec.level,
        dry_run=dry_run,
        audience=audience,
        filters=chosen,
        hashed=hashed,
        as_of=meta.get("as_of"),
        config_hash=meta.get("config_hash"),
        candidates=selection.candidates,
        included=len(rows),
        excluded=excluded,
        parts=parts,
        limits=limits,
        truncated=built.truncated,
    )
    stale = meta.get("config_hash") not in (None, config_hash(config))
    report.warnings = _warnings(spec, len(rows), parts, selection, chosen, stale, hash_emails)
    refused = _refusal(spec, report)
    empty = (
        f"No {spec.level} to write for {spec.name}, so no file was written; "
        f"{explain_left_out(excluded, spec.name) or 'the store holds none'}."
    )
    if dry_run:
        if not len(rows):
            report.warnings.append(empty.replace("no file was written", "a real run writes none"))
        elif refused and not force:
            report.warnings.append(refused + " A real run writes nothing without --force.")
        return report
    if not len(rows):
        raise InputError(empty)
    if refused and not force:
        raise InputError(refused + " Nothing was written; pass --force to write it anyway.")
    # Every file is checked before the first is written: a refused one leaves none behind.
    for target in [*(part.path for part in parts), writer.manifest_path(path)]:
        check_output(target, option="--out", protected=protected)
    previous = writer.previous_files(path)
    if spec.format == "json":
        writer.write_text(path, text)
    else:
        writer.write_csv(spec.header, columns, parts)
    report.manifest = writer.manifest_path(path)
    writer.write_manifest(report.manifest, report.as_dict())
    writer.remove_stale(previous, [part.path for part in parts])
    return report


def _refusal(spec: Platform, report: ExportReport) -> str:
    """Why the platform would refuse this list outright ('' when it would not)."""
    if spec.refuse_below and 0 < report.included < spec.refuse_below:
        return (
            f"LinkedIn refuses lists under {spec.refuse_below:,} rows, and this {spec.name} "
            f"list has {report.included:,} (of {report.candidates:,} candidates)."
        )
    return ""
