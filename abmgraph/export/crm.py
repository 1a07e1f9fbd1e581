"""Scores back in the CRM: update files keyed by the CRM's own record ids.

``salesforce-accounts``, ``salesforce-contacts`` and ``salesforce-leads``
write Data Loader update files (``Id`` plus the custom fields' API names);
``hubspot-companies`` and ``hubspot-contacts`` write HubSpot import files
(``Record ID`` plus the properties' internal names). The field names come
from ``[export.salesforce]`` and ``[export.hubspot]`` of the scoring config.

Only records that came from that CRM are written: accounts and contacts
ingested with its preset (``crm_source``), whose id is the CRM's record id.
Salesforce keeps Contacts and Leads apart by the id's key prefix: ``003``
is a Contact, ``00Q`` a Lead (15- and 18-character ids alike). Everything
else is counted in the manifest under the reason it was left out.

These are updates of fields the CRM already holds, not marketing lists, so
the consent and opt-out rules of audience exports do not apply; CSV formula
safety does (:mod:`abmgraph.export.formulas`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from abmgraph.errors import InputError, StoreError
from abmgraph.export import writer
from abmgraph.export.summary import WriteSummary
from abmgraph.graph.store import GraphStore
from abmgraph.safe_io import check_output
from abmgraph.scoring.config import ScoringConfig, config_hash
from abmgraph.scoring.export_settings import CrmFields

__all__ = ["CRM_PLATFORMS", "CrmExportReport", "CrmTarget", "export_crm"]

# Salesforce key prefixes: the first three characters of a record id name its object.
CONTACT_PREFIX = "003"
LEAD_PREFIX = "00Q"


_CRM_NAMES = {"salesforce": "Salesforce", "hubspot": "HubSpot"}


@dataclass(frozen=True)
class CrmTarget:
    """One write-back file: which CRM, which records, which id column."""

    name: str
    crm: str  # the ingest preset the records came through
    level: str  # accounts or contacts
    id_header: str
    prefix: str | None = None  # Salesforce contacts vs leads

    @property
    def object_name(self) -> str:
        return self.name.split("-", 1)[1]


CRM_PLATFORMS: dict[str, CrmTarget] = {
    target.name: target
    for target in (
        CrmTarget("salesforce-accounts", "salesforce", "accounts", "Id"),
        CrmTarget("salesforce-contacts", "salesforce", "contacts", "Id", CONTACT_PREFIX),
        CrmTarget("salesforce-leads", "salesforce", "contacts", "Id", LEAD_PREFIX),
        CrmTarget("hubspot-companies", "hubspot", "accounts", "Record ID"),
        CrmTarget("hubspot-contacts", "hubspot", "contacts", "Record ID"),
    )
}


@dataclass(kw_only=True)
class CrmExportReport(WriteSummary):
    """What a write-back wrote, and how many records it left out and why."""

    header: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        """The manifest written beside the file."""
        return {
            "platform": self.platform,
            "level": self.level,
            "columns": list(self.header),
            "as_of": self.as_of,
            "config_hash": self.config_hash,
            "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "counts": self.count_block(),
            "files": [part.as_dict() for part in self.parts],
            "warnings": list(self.warnings),
        }


def _fields(config: ScoringConfig, target: CrmTarget) -> CrmFields:
    return getattr(config.export, target.crm)


def _records(store: GraphStore, target: CrmTarget) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The stored records of the target's level (id and origin) and their scores."""
    key = "account_id" if target.level == "accounts" else "contact_id"
    stored = store.table(target.level)
    origin = (
        stored["crm_source"]
        if "crm_source" in stored.columns
        else pd.Series(pd.NA, index=stored.index, dtype="str")
    )
    records = pd.DataFrame({"id": stored[key].astype("str"), "crm_source": origin.array})
    scores = store.scores(target.level)  # type: ignore[arg-type]
    return records, scores


def _reasons(records: pd.DataFrame, target: CrmTarget, scored: np.ndarray) -> pd.Series:
    """Why each record is left out (missing: written), the first reason that applies."""
    ids = records["id"]
    ours = (records["crm_source"] == target.crm).fillna(False).to_numpy(dtype=bool)
    reasons = pd.Series(None, index=records.index, dtype="object")
    reasons[~ours] = f"not_from_{target.crm}"
    if target.prefix is not None:
        prefix = ids.str[:3]
        lead = ours & (prefix == LEAD_PREFIX).to_numpy(dtype=bool)
        contact = ours & (prefix == CONTACT_PREFIX).to_numpy(dtype=bool)
        other = "salesforce_lead" if target.prefix == CONTACT_PREFIX else "salesforce_contact"
        reasons[ours & (lead if target.prefix == CONTACT_PREFIX else contact)] = other
        reasons[ours & ~lead & ~contact] = "other_salesforce_object"
    reasons[reasons.isna().to_numpy() & ~scored] = "not_scored"
    return reasons


def _rows(
    records: pd.DataFrame, scores: pd.DataFrame, target: CrmTarget, fields: CrmFields
) -> tuple[pd.DataFrame, pd.Series]:
    """The file's rows (id and score columns, highest first) and every record's reason."""
    key = "account_id" if target.level == "accounts" else "contact_id"
    header = fields.header(target.level)
    source = {"contact_score": "score"}
    if key not in scores.columns:  # scored, but with no rows of this level
        needed = [key, *(source.get(name, name) for name in header)]
        scores = pd.DataFrame({name: pd.Series([], dtype="object") for name in needed})
    at = pd.Index(scores[key].astype("str")).get_indexer(records["id"])
    reasons = _reasons(records, target, at >= 0)
    keep = reasons.isna().to_numpy()
    picked = at[keep]
    columns = {target.id_header: records["id"][keep].to_numpy(dtype=object)}
    for name, field in header.items():
        columns[field] = scores[source.get(name, name)].take(picked).to_numpy()
    rows = pd.DataFrame(columns)
    order = "priority" if target.level == "accounts" else "contact_score"
    rows = rows.sort_values(
        [header[order], target.id_header], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
    if "tier" in header:
        rows[header["tier"]] = rows[header["tier"]].astype("Int64")
    return rows, reasons


def export_crm(
    store: GraphStore,
    platform: str,
    out: Path | None,
    config: ScoringConfig | None = None,
    dry_run: bool = False,
    *,
    protected: Sequence[Path] = (),
) -> CrmExportReport:
    """Write the update file that puts the stored scores into the CRM's own records.

    Parameters
    ----------
    store
        A scored graph store.
    platform
        ``salesforce-accounts``, ``salesforce-contacts``, ``salesforce-leads``,
        ``hubspot-companies`` or ``hubspot-contacts``.
    out
        The file to write (an existing folder gets ``PLATFORM.csv`` inside).
    config
        The scoring config: its ``[export.salesforce]`` / ``[export.hubspot]``
        field names, and its hash to tell whether the scores are stale.
    dry_run
        Count, write nothing.
    protected
        Folders no output may be written into (the workspace's store).

    Returns
    -------
    CrmExportReport
        The file, the records written, and those left out by reason.

    Raises
    ------
    StoreError
        The store was never scored.
    InputError
        An unknown platform, or no record to write (the message says why
        each was left out). Nothing is written then.
    """
    config = config or ScoringConfig()
    meta = store.score_meta()
    if meta is None:
        raise StoreError("Nothing is scored yet: run 'abmgraph score' first.")
    if platform not in CRM_PLATFORMS:
        raise InputError(f"Unknown CRM file {platform!r}: use one of {', '.join(CRM_PLATFORMS)}.")
    target = CRM_PLATFORMS[platform]
    fields = _fields(config, target)
    records, scores = _records(store, target)
    rows, reasons = _rows(records, scores, target, fields)
    excluded = {str(k): int(v) for k, v in reasons.value_counts().sort_index().items()}

    path = Path(out) if out is not None else Path(platform + ".csv")
    if path.is_dir():
        path = path / (platform + ".csv")
    header = tuple(rows.columns)
    columns = writer.cells(rows)
    size = writer.header_bytes(header) + int(writer.row_bytes(columns).sum())
    parts = [writer.FilePart(path, 0, len(rows), size)]
    warnings = []
    if meta.get("config_hash") not in (None, config_hash(config)):
        warnings.append(
            "The scores were computed with a different scoring config than the current one; "
            "run 'abmgraph score' for a file that matches it."
        )
    report = CrmExportReport(
        platform=platform,
        level=target.level,
        dry_run=dry_run,
        header=header,
        as_of=meta.get("as_of"),
        config_hash=meta.get("config_hash"),
        candidates=len(records),
        included=len(rows),
        excluded=excluded,
        parts=parts,
        warnings=warnings,
    )
    empty = (
        f"No {target.object_name} to write for {platform}, so no file was written: "
        + _why_empty(excluded, target)
    )
    if dry_run:
        if not len(rows):
            report.warnings.append(empty.replace("no file was written", "a real run writes none"))
        return report
    if not len(rows):
        raise InputError(empty)
    for item in (path, writer.manifest_path(path)):
        check_output(item, option="--out", protected=protected)
    writer.write_csv(header, columns, parts)
    report.manifest = writer.manifest_path(path)
    writer.write_manifest(report.manifest, report.as_dict())
    return report


def _why_empty(excluded: dict[str, int], target: CrmTarget) -> str:
    if not excluded:
        return f"the store holds no {target.level}."
    told = ", ".join(f"{name} {count:,}" for name, count in excluded.items())
    hint = (
        f" Records count as {_CRM_NAMES[target.crm]} records when ingested with "
        f"--preset {target.crm}."
        if excluded.get(f"not_from_{target.crm}")
        else ""
    )
    return f"left out {told}.{hint}"
