"""Matching an input header against a preset, and mapping chunks through the match.

``plan_columns`` decides, once per header, which input columns feed each
contract field (``ColumnPlan``); ``apply_plan`` maps each raw chunk through it.
When several candidate columns are present, each row takes the first
non-empty one.

Header labels are matched after folding: lower case, with every run of
spaces and punctuation read as one underscore, so ``Account ID``,
``account_id`` and `` ACCOUNT-ID `` are the same label. Every preset also
accepts the contract's own column names (and their aliases, e.g. ``website``
for ``domain``) for a field it found no source for. Columns that feed no field
are kept as extra attributes under their folded, snake_case name. Rows a
transform cannot map are rejected with the transform's reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from abmgraph.errors import InputError
from abmgraph.graph.schema import Kind, field_specs
from abmgraph.graph.tables import column_dtypes
from abmgraph.ingest.crm_values import no_errors, salesforce_null_ids
from abmgraph.ingest.presets import PRESETS
from abmgraph.ingest.readers import as_text, header_key
from abmgraph.ingest.transforms import TRANSFORMS
from abmgraph.ingest.variants import Source

__all__ = ["ColumnPlan", "apply_plan", "plan_columns", "source_labels"]


@dataclass(frozen=True)
class ColumnPlan:
    """Which input columns feed which contract field, and which are kept as extras."""

    preset: str
    kind: Kind
    variant: str
    # field → [(input column, transform or None)], in order of preference.
    sources: dict[str, list[tuple[str, str | None]]]
    # input column → extra attribute name.
    extras: dict[str, str] = field(default_factory=dict)
    # field → value where every source is empty or absent.
    defaults: dict[str, str] = field(default_factory=dict)
    # Fields of the variant that are not contract fields: kept as attributes.
    attributes: tuple[str, ...] = ()

    def has(self, name: str) -> bool:
        return bool(self.sources.get(name)) or name in self.defaults


def _alternatives(source: Source) -> tuple[str, str | None]:
    return (source, None) if isinstance(source, str) else (source[0], source[1])


def plan_columns(preset: str, kind: Kind, columns: list[str]) -> ColumnPlan:
    """Match an input header against a preset's map for ``kind``."""
    if preset not in PRESETS:
        raise InputError(f"unknown preset {preset!r}; use one of: {', '.join(PRESETS)}.")
    by_key: dict[str, str] = {}
    for column in columns:
        by_key.setdefault(header_key(column), column)
    variants = PRESETS[preset].get(kind) or PRESETS["native"][kind]
    variant = next(
        (
            v
            for v in variants
            if all(any(header_key(label) in by_key for label in group) for group in v.when)
        ),
        variants[-1],
    )
    claimed: set[str] = set()
    sources: dict[str, list[tuple[str, str | None]]] = {}
    for target, alternatives in variant.columns.items():
        for alternative in alternatives:
            label, transform = _alternatives(alternative)
            column = by_key.get(header_key(label))
            # A preset may read one column for several fields (Deal Stage → stage, is_won).
            if column is not None and (column, transform) not in sources.get(target, []):
                claimed.add(column)
                sources.setdefault(target, []).append((column, transform))
    # The contract's own names are accepted in every preset, for fields not found above.
    for spec in field_specs(kind):
        if sources.get(spec.name):
            continue
        for label in (spec.name, *spec.aliases):
            column = by_key.get(header_key(label))
            if column is not None and column not in claimed:
                claimed.add(column)
                sources.setdefault(spec.name, []).append((column, None))
    contract = {s.name for s in field_specs(kind)}
    attributes = tuple(t for t in sources if t not in contract)
    reserved = set(column_dtypes(kind)) | contract | {"source_line"} | set(attributes)
    extras: dict[str, str] = {}
    taken: set[str] = set()
    for column in columns:
        if column in claimed:
            continue
        name = header_key(column) or "column"
        if name in reserved:
            name = f"input_{name}"
        candidate, n = name, 1
        while candidate in taken:
            n += 1
            candidate = f"{name}_{n}"
        taken.add(candidate)
        extras[column] = candidate
    return ColumnPlan(
        preset, kind, variant.name, sources, extras, dict(variant.defaults), attributes
    )


def source_labels(preset: str, kind: Kind, name: str) -> list[str]:
    """The column names a preset accepts for a field (for error messages)."""
    labels: list[str] = []
    for variant in PRESETS.get(preset, {}).get(kind) or PRESETS["native"][kind]:
        for alternative in variant.columns.get(name, ()):
            label = _alternatives(alternative)[0]
            if label not in labels:
                labels.append(label)
    for spec in field_specs(kind):
        if spec.name == name:
            for label in (spec.name, *spec.aliases):
                if label not in labels:
                    labels.append(label)
    return labels


def apply_plan(
    plan: ColumnPlan, frame: pd.DataFrame
) -> tuple[dict[str, pd.Series], dict[str, pd.Series], pd.DataFrame]:
    """Map a raw chunk through the plan.

    Returns ``(fields, errors, extras)``: each mapped field's values (text, or
    the native column when it comes from one untransformed column), the
    transform errors per field (reason or NA), and the extra attribute columns
    as text.
    """
    folded: pd.DataFrame | None = None
    fields: dict[str, pd.Series] = {}
    errors: dict[str, pd.Series] = {}
    for target, sources in plan.sources.items():
        values: pd.Series | None = None
        error: pd.Series | None = None
        for column, transform in sources:
            if column not in frame.columns:
                continue
            if values is not None and not _is_empty(values).any():
                break  # every row has a value: later candidates would change nothing
            current = frame[column]
            if plan.preset == "salesforce" and header_key(column).endswith("id"):
                current = salesforce_null_ids(current)
            current_error = None
            if transform is not None:
                if folded is None:
                    folded = frame.set_axis([header_key(c) for c in frame.columns], axis=1)
                    folded = folded.loc[:, ~folded.columns.duplicated()]
                current, current_error = TRANSFORMS[transform](current, folded)
            if values is None:
                values, error = current, current_error
                continue
            if values.dtype != current.dtype:
                values, current = as_text(values), as_text(current)
            empty = _is_empty(values) & ~_is_empty(current)
            if empty.any():
                values = values.where(~empty, current)
                if current_error is not None or error is not None:
                    base = error if error is not None else no_errors(values)
                    other = current_error if current_error is not None else no_errors(values)
                    error = base.where(~empty, other)
        if values is not None:
            fields[target] = values
            if error is not None and error.notna().any():
                errors[target] = error
    for target, default in plan.defaults.items():
        values = fields.get(target)
        if values is None:
            fields[target] = pd.Series(default, index=frame.index, dtype="str")
        else:
            fields[target] = as_text(values).mask(_is_empty(values), default).astype("str")
    kept = {
        name: _clean_text(
            salesforce_null_ids(frame[column])
            if plan.preset == "salesforce" and header_key(column).endswith("id")
            else frame[column]
        )
        for column, name in plan.extras.items()
        if column in frame
    }
    for name in plan.attributes:
        if name in fields:
            kept[name] = _clean_text(fields.pop(name))
            errors.pop(name, None)
    extras = pd.DataFrame(kept, index=frame.index, copy=False)
    return fields, errors, extras


def _is_empty(values: pd.Series) -> pd.Series:
    if values.dtype == "str" or values.dtype == object:
        text = as_text(values)
        return (text.isna() | (text.str.strip() == "")).astype(bool)
    return values.isna().astype(bool)


def _clean_text(values: pd.Series) -> pd.Series:
    text = as_text(values).str.strip()
    return text.where(text != "").astype("str")
