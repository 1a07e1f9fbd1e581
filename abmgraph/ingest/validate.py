"""Column-at-a-time validation and normalisation of input rows, per kind.

``Validator.validate(frame, source_line)`` takes one raw chunk (as the
readers produce it) and returns the good rows in the stored layout of
``tables.column_dtypes(kind)`` plus extra attribute columns (text), one
reject per bad row (its ``source_line``, the first failing ``field`` in
contract order, and the ``reason``) and one warning line per loaded row
with problems noted. Every input row is loaded or rejected, so read =
loaded + rejected.

The field list, required set and parser of each column come from
``schema.field_specs``; the parsers (``fields``) are the vectorised
normalisers of ``scalars``, ``timestamps``, ``emails``, ``countries``,
``phones`` and ``vocabularies``. Rules the contract leaves open, as decided here:

- Ids are trimmed; an empty required id rejects the row, and so does an id
  longer than ``MAX_ID_LENGTH`` (255) characters in a key. An id in Excel's
  scientific notation (``1.11015E+11``) loads with a warning naming Excel.
- An invalid value in a critical field (a required field, a key, the
  id-or-alias pair of engagements and intent) rejects the row with the field
  named. In any other field (email, date, number, integer, boolean, country,
  seniority, department, buying role, email status, an over-long reference)
  the row loads with the field empty, the text as written kept in
  ``<field>_invalid`` (``INVALID_SUFFIX``), and a warning. Phone numbers are
  stored in E.164 when they parse and kept as written when they do not.
  Dates are read in the file's day/month order (``dates.DateOrder``).
- Duplicate keys within one file (``Validator.duplicates``): among rows that
  are otherwise valid, the first occurrence loads and later ones are
  rejected ("duplicate contact_id, first seen on line N").
- Contacts: the email is lower-cased, ``email_domain``, ``is_free_mail`` and
  ``is_disposable`` derived; an invalid email sets ``email_status`` to
  ``invalid``. An empty seniority is inferred from the title (left empty when no
  rule matches); an empty department is inferred from the title, and is
  ``other`` when there is a title that matches no rule (empty when there is
  no title). ``seniority_source`` / ``department_source`` record
  ``explicit`` or ``inferred``. ``buying_role`` is a ``;``-separated list
  (``buying_roles``): every role is kept, canonical and in vocabulary order,
  and an unknown item makes the field invalid. An explicit ``account_id`` must exist in the
  store; otherwise the contact is matched to the account whose domain is the
  registrable domain of the email (never for free-mail domains), recorded in
  ``account_match`` (``explicit`` / ``email_domain``). Matching never guesses
  (``matching``): a domain several accounts share goes to the top of their
  corporate family when they are one (``email_domain_family``), else the
  contact is left unmatched with a warning naming the candidates. A contact
  matching no account loads as an unmatched lead (``account_id`` empty) and
  is counted.
  ``manager_id`` and ``previous_account_ids`` may name unknown ids.
- Engagements: ``contact_id`` must exist; when it is empty, ``email`` is
  resolved to a contact (the email is not stored). The allowed types are the
  contract's plus any the scoring config adds. ``event_key`` is a 64-bit
  hash of ``event_id`` when given, else of (contact_id, type, occurred_at,
  asset, campaign, channel) after normalisation, so re-ingesting a file adds
  nothing.
- Intent: ``account_id`` must exist, or ``domain`` must resolve to an account
  by the rule leads follow; a domain several families share rejects the row
  with the candidates named.
- Opportunities: the account must exist. Opportunity contacts: the
  opportunity and the contact must exist; the role is canonicalised with the
  buying-role aliases (Salesforce contact-role picklist values included).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from abmgraph.errors import InputError
from abmgraph.graph.schema import FieldSpec, Kind, field_specs
from abmgraph.graph.store import KEYS, GraphStore
from abmgraph.graph.tables import column_dtypes
from abmgraph.graph.vocab import ENGAGEMENT_TYPES
from abmgraph.ingest import dates
from abmgraph.ingest.column_plan import ColumnPlan, apply_plan, plan_columns, source_labels
from abmgraph.ingest.failures import ChunkResult, Failures, empty_notes
from abmgraph.ingest.fields import (
    FieldParser,
    as_dtype,
    blank,
    clean_text,
    na_series,
    positional,
)
from abmgraph.ingest.ids import id_problems
from abmgraph.ingest.lookups import SortedRun
from abmgraph.ingest.readers import as_text
from abmgraph.ingest.rejects import input_columns
from abmgraph.ingest.rules import KindRules

__all__ = ["INVALID_SUFFIX", "Validator"]

# The attribute that keeps the text of an optional value that was not valid: country_invalid.
INVALID_SUFFIX = "_invalid"
_ONE_OF: dict[Kind, tuple[str, str]] = {
    "engagements": ("contact_id", "email"),
    "intent": ("account_id", "domain"),
    "feedback": ("contact_id", "account_id"),
    "sales_activities": ("contact_id", "account_id"),
}
# Parse failures of these fields count only when the field is used (the other is empty).
_ONLY_IF_USED: dict[Kind, dict[str, str]] = {
    "engagements": {"email": "contact_id"},
    "intent": {"domain": "account_id"},
}


class Validator:
    """Validates the chunks of one input file of one kind."""

    def __init__(
        self,
        store: GraphStore,
        kind: Kind,
        *,
        preset: str = "native",
        engagement_types: set[str] | list[str] | tuple[str, ...] | None = None,
        source: str | Path = "input",
        dayfirst: bool = False,
    ) -> None:
        self.store = store
        # The day/month order of the file's local dates (23/02/2026), decided once.
        self.date_order = dates.DateOrder(dayfirst=dayfirst)
        self.kind = kind
        self.preset = preset
        self.source = str(source)
        self.specs: list[FieldSpec] = field_specs(kind)
        self.rank = {spec.name: i * 10 for i, spec in enumerate(self.specs)}
        self.dtypes = column_dtypes(kind)
        extra_types = sorted(set(engagement_types or ()) - set(ENGAGEMENT_TYPES))
        self.engagement_types: tuple[str, ...] = (*ENGAGEMENT_TYPES, *extra_types)
        self.parser = FieldParser(self.date_order, self.engagement_types)
        self._plans: dict[tuple[str, ...], ColumnPlan] = {}
        self._key_runs: list[SortedRun] = []
        # Fields whose problems reject the row: keys, the id-or-alias pair, required fields.
        self.critical = (
            {spec.name for spec in self.specs if spec.required}
            | set(KEYS[kind])
            | set(_ONE_OF.get(kind, ()))
            | ({"event_id"} if kind == "engagements" else set())
        )
        self.rules = KindRules(store, kind, self.rank)

    @staticmethod
    def _keep_invalid(
        kept: dict[str, pd.Series], name: str, text: pd.Series, bad: np.ndarray
    ) -> pd.Series:
        """Record the given text of ``name`` where ``bad`` as ``<name>_invalid``; blank it."""
        given = clean_text(as_text(text) if text.dtype != "str" else text)
        column = f"{name}{INVALID_SUFFIX}"
        shown = given.where(bad)
        if column in kept:
            shown = kept[column].where(~bad, shown)
        kept[column] = shown.astype("str")
        return blank(text, bad)

    # -- header ------------------------------------------------------------------------
    def plan(self, columns: list[str]) -> ColumnPlan:
        """How the columns of a header feed the contract (cached per header)."""
        key = tuple(columns)
        if key not in self._plans:
            # A rejects file, fixed and loaded again: its leading columns are not data.
            given = input_columns(list(columns))
            self._plans[key] = plan_columns(self.preset, self.kind, given)
        return self._plans[key]

    def check_columns(self, columns: list[str]) -> ColumnPlan:
        """Raise ``InputError`` unless the header has every required column."""
        plan = self.plan(columns)
        missing = [(spec.name,) for spec in self.specs if spec.required and not plan.has(spec.name)]
        one_of = _ONE_OF.get(self.kind)
        if one_of and not any(plan.has(name) for name in one_of):
            missing.append(one_of)
        if missing:
            self._missing_columns(missing, columns)
        return plan

    def _missing_columns(self, missing: list[tuple[str, ...]], columns: list[str]) -> None:
        kind = self.kind.replace("_", "-")
        described = []
        for names in missing:
            alternatives = []
            for name in names:
                labels = [x for x in source_labels(self.preset, self.kind, name) if x != name]
                alternatives.append(f"{name} (or {', '.join(labels)})" if labels else name)
            described.append(" or ".join(alternatives))
        what = "column" if len(described) == 1 else "columns"
        found = ", ".join(columns) if columns else "(none)"
        hint = (
            "use --preset salesforce|hubspot if it is a CRM export"
            if self.preset == "native"
            else f"check that this is a {self.preset} export of {kind}"
        )
        raise InputError(
            f"file {self.source} has no {what} {'; '.join(described)} (required for {kind}); "
            f"columns found: {found}; {hint}."
        )

    # -- rows --------------------------------------------------------------------------
    def validate(self, frame: pd.DataFrame, source_line: np.ndarray) -> ChunkResult:
        """Validate one raw chunk."""
        frame = frame.reset_index(drop=True)
        plan = self.plan(list(frame.columns))
        raw, transform_errors, extras = apply_plan(plan, frame)
        n = len(frame)
        fails = Failures(n)
        kept: dict[str, pd.Series] = {}  # <field>_invalid: the text of blanked values
        for name, error in transform_errors.items():
            error = positional(error)
            bad = error.notna().to_numpy()
            if name in self.critical or name not in raw:
                fails.add(self.rank.get(name, 0) + 1, name, bad, error[bad])
            else:
                fails.warn(name, bad, error[bad])
                # Keep the text the transform could not map, from the column it came from.
                given = [frame[c] for c, _ in plan.sources.get(name, []) if c in frame.columns]
                text = given[0] if given else raw[name]
                self._keep_invalid(kept, name, positional(text), bad)
                raw[name] = blank(positional(raw[name]), bad)
        only_if_used = _ONLY_IF_USED.get(self.kind, {})
        for spec in self.specs:
            if spec.parser == "datetime" and spec.name in raw:
                self.date_order.observe(positional(raw[spec.name]))
        values: dict[str, pd.Series] = {}
        invalid: dict[str, np.ndarray] = {}
        reasons: dict[str, pd.Series] = {}
        absent: dict[str, pd.Series] = {}  # one all-missing column per dtype
        for spec in self.specs:
            series = raw.get(spec.name)
            missing = f"missing {spec.name} (required)"
            if series is None:
                dtype = self.dtypes.get(spec.name, "str")
                if dtype not in absent:
                    absent[dtype] = na_series(n, dtype)
                values[spec.name] = absent[dtype]
                invalid[spec.name] = np.zeros(n, dtype=bool)
                if spec.required:
                    fails.add(self.rank[spec.name] + 2, spec.name, np.ones(n, dtype=bool), missing)
                continue
            series = positional(series)
            parsed, bad, reason = self.parser.parse(spec, series)
            if spec.parser == "id":
                long, long_reason, sci, sci_reason = id_problems(parsed)
                fails.warn(spec.name, sci, sci_reason)
                if long.any():
                    bad = bad | long
                    reason = (
                        long_reason if isinstance(reason, str) else pd.concat([reason, long_reason])
                    )
            values[spec.name], invalid[spec.name], reasons[spec.name] = parsed, bad, reason
            if spec.required:
                empty = parsed.isna().to_numpy() & ~bad
                fails.add(self.rank[spec.name] + 2, spec.name, empty, missing)
            if spec.name in only_if_used:
                continue
            if spec.name in self.critical:
                fails.add(self.rank[spec.name] + 3, spec.name, bad, reason)
            elif bad.any():
                # An optional value that is not valid: the row loads with the field empty.
                fails.warn(spec.name, bad, reason)
                self._keep_invalid(kept, spec.name, series, bad)
                values[spec.name] = blank(parsed, bad)
        for name, other in only_if_used.items():
            used = invalid[name] & values[other].isna().to_numpy()
            fails.add(self.rank[name] + 3, name, used, reasons.get(name, ""))
        derived: dict[str, pd.Series] = {}
        self.rules.apply(values, invalid, derived, fails)
        if kept:
            extras = extras.assign(**{k: v for k, v in kept.items() if k not in extras})
        failed, rejects = fails.resolve()
        warnings = fails.warnings(failed)
        lines = np.asarray(source_line, dtype=np.int64)
        rejects.insert(1, "source_line", lines[rejects["position"].to_numpy()])
        warnings.insert(1, "source_line", lines[warnings["position"].to_numpy()])
        skip = {name for name, v in values.items() if any(v is a for a in absent.values())}
        good = self._assemble(values, derived, extras, ~failed, lines, skip - set(derived))
        if self.kind == "engagements":
            # Sorted per chunk (in the background), so the file-wide duplicate check is one merge.
            self._key_runs.append(SortedRun(good["event_key"].to_numpy()))
        return ChunkResult(good, rejects, warnings)

    def duplicates(self, good: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
        """Later rows repeating a key of an earlier row: (mask, rejects frame)."""
        keys = list(KEYS[self.kind])
        empty = empty_notes()
        if good.empty:
            return np.zeros(0, dtype=bool), empty
        runs = [run.get() for run in self._key_runs]
        if self.kind == "engagements" and sum(len(r) for r in runs) == len(good):
            merged = np.sort(np.concatenate(runs), kind="stable")
            if not (merged[1:] == merged[:-1]).any():
                return np.zeros(len(good), dtype=bool), empty
        if len(keys) == 1:
            key_values = good[keys[0]]
            dup = key_values.duplicated(keep="first").to_numpy()
        else:
            dup = good.duplicated(subset=keys, keep="first").to_numpy()
        if not dup.any():
            return dup, empty
        lines = good["source_line"].to_numpy()
        table = good[keys].copy()
        table["_line"] = lines
        firsts = table[~dup].drop_duplicates(keys).set_index(keys)["_line"]
        repeats = table[dup]
        index = (
            pd.Index(repeats[keys[0]])
            if len(keys) == 1
            else pd.MultiIndex.from_frame(repeats[keys])
        )
        first_line = firsts.reindex(index).to_numpy()
        if self.kind == "engagements":
            has_id = good["event_id"].notna().to_numpy()[dup]
            reasons = np.where(
                has_id,
                [f"duplicate event_id, first seen on line {x}" for x in first_line],
                [
                    "duplicate event (same contact_id, type, occurred_at, asset, campaign "
                    f"and channel as line {x})"
                    for x in first_line
                ],
            )
            field = "event_id"
        else:
            label = keys[0] if len(keys) == 1 else f"({', '.join(keys)})"
            reasons = np.asarray([f"duplicate {label}, first seen on line {x}" for x in first_line])
            field = keys[0] if len(keys) == 1 else keys[-1]
        frame = pd.DataFrame(
            {
                "source_line": lines[dup].astype(np.int64),
                "field": pd.Series([field] * int(dup.sum()), dtype="str"),
                "reason": pd.Series(reasons, dtype="str"),
            }
        )
        return dup, frame

    def _assemble(
        self,
        values: dict[str, pd.Series],
        derived: dict[str, pd.Series],
        extras: pd.DataFrame,
        keep: np.ndarray,
        lines: np.ndarray,
        absent: set[str],
    ) -> pd.DataFrame:
        """The kept rows in the stored layout; columns the input lacks are left out.

        ``pipeline`` adds the missing stored columns once, for all chunks together.
        """
        all_good = bool(keep.all())
        n = int(keep.sum())
        columns: dict[str, object] = {}
        for name, dtype in self.dtypes.items():
            if name in absent:
                continue
            series = derived.get(name, values.get(name))
            if series is None:
                columns[name] = na_series(n, dtype)
                continue
            series = series.reset_index(drop=True)
            if not all_good:
                series = series[keep].reset_index(drop=True)
            columns[name] = as_dtype(series, dtype)
        for name in extras.columns:
            series = extras[name].reset_index(drop=True)
            columns[name] = series if all_good else series[keep].reset_index(drop=True)
        columns["source_line"] = lines[keep]
        return pd.DataFrame(columns, index=pd.RangeIndex(n), copy=False)
