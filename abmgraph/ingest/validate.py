"""Column-at-a-time validation and normalisation of input rows, per kind.

``Validator.validate(frame, source_line)`` takes one raw chunk (as the
readers produce it) and returns the good rows in the stored layout of
``tables.column_dtypes(kind)`` plus extra attribute columns (text), one
reject per bad row (its ``source_line``, the first failing ``field`` in
contract order, and the ``reason``) and one warning line per loaded row
with problems noted. Every input row is loaded or rejected, so read =
loaded + rejected.

The field list, required set and parser of each column come from
``schema.field_specs``; the parsers are the vectorised normalisers of
``normalize``. Rules the contract leaves open, as decided here:

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

import dataclasses
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from abmgraph.errors import InputError, InternalError
from abmgraph.graph.schema import FieldSpec, Kind, field_specs
from abmgraph.graph.store import KEYS, GraphStore
from abmgraph.graph.tables import column_dtypes
from abmgraph.graph.vocab import BUYING_ROLES, DEPARTMENTS, ENGAGEMENT_TYPES, SENIORITIES
from abmgraph.ingest import dates, normalize
from abmgraph.ingest.buying_roles import canonical_buying_roles
from abmgraph.ingest.ids import MAX_ID_LENGTH, id_problems
from abmgraph.ingest.matching import DomainMatcher, unmatched_reasons
from abmgraph.ingest.presets import ColumnPlan, apply_plan, plan_columns, source_labels
from abmgraph.ingest.readers import as_text
from abmgraph.ingest.rejects import input_columns

__all__ = [
    "EMAIL_STATUSES",
    "INVALID_SUFFIX",
    "MAX_ID_LENGTH",
    "ChunkResult",
    "Validator",
    "event_keys",
    "hash_strings",
]

EMAIL_STATUSES = ("valid", "bounced", "unknown", "invalid")
# The attribute that keeps the text of an optional value that was not valid: country_invalid.
INVALID_SUFFIX = "_invalid"
_ONE_OF: dict[Kind, tuple[str, str]] = {
    "engagements": ("contact_id", "email"),
    "intent": ("account_id", "domain"),
}


@dataclass
class ChunkResult:
    """The outcome of validating one chunk.

    ``good`` holds the accepted rows in the stored layout, extra attribute
    columns, and ``source_line``. ``rejects`` has one row per rejected input
    row: ``position`` (row number within the chunk), ``source_line``,
    ``field`` and ``reason``. ``warnings`` has the same columns, one row per
    loaded row that drew warnings (several are joined by ``"; "``); rows
    that were rejected carry no warnings.
    """

    good: pd.DataFrame
    rejects: pd.DataFrame
    warnings: pd.DataFrame = dataclasses.field(default_factory=lambda: _empty_notes(True))


def _empty_notes(position: bool = False) -> pd.DataFrame:
    """An empty rejects/warnings frame (``position`` first when asked)."""
    columns = {
        "source_line": pd.Series(dtype="int64"),
        "field": pd.Series(dtype="str"),
        "reason": pd.Series(dtype="str"),
    }
    if position:
        columns = {"position": pd.Series(dtype="int64"), **columns}
    return pd.DataFrame(columns)


class _Failures:
    """The problems of one chunk: rejects (the first failing check per row, in
    the order checks are ranked) and warnings (a row loads, the problem is noted).

    ``add(rank, field, mask, reason)`` rejects the rows in ``mask``;
    ``warn(field, mask, reason)`` records a warning for them without
    rejecting. ``reason`` is one string for all rows, or a Series indexed by
    row position (as ``_quoted`` builds it). A row that is rejected by any
    check keeps no warnings; a loaded row may have several (one per call),
    reported together on one line.
    """

    def __init__(self, n: int) -> None:
        self.n = n
        self.checks: list[tuple[int, str, np.ndarray, pd.Series | str]] = []
        self.notes: list[tuple[str, np.ndarray, pd.Series | str]] = []

    def add(
        self, rank: int, field: str, mask: np.ndarray | pd.Series, reason: pd.Series | str
    ) -> None:
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            self.checks.append((rank, field, mask, reason))

    def warn(self, field: str, mask: np.ndarray | pd.Series, reason: pd.Series | str) -> None:
        """Note a problem with ``field`` on the rows in ``mask``; they still load."""
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            self.notes.append((field, mask, reason))

    def resolve(self) -> tuple[np.ndarray, pd.DataFrame]:
        """(rejected mask, rejects frame: position, field, reason) in row order."""
        failed = np.zeros(self.n, dtype=bool)
        found = []
        for _, field, mask, reason in sorted(self.checks, key=lambda c: c[0]):
            new = mask & ~failed
            if not new.any():
                continue
            failed |= new
            found.append((field, new, reason))
        return failed, _notes_frame(found)

    def warnings(self, failed: np.ndarray) -> pd.DataFrame:
        """The warnings of the rows not in ``failed``, one row each: position, field, reason.

        A row with several warnings lists its fields and reasons joined by ``"; "``.
        """
        notes = _notes_frame([(f, m & ~failed, r) for f, m, r in self.notes if (m & ~failed).any()])
        if not notes["position"].duplicated().any():
            return notes
        joined = notes.groupby("position", sort=True).agg({"field": "; ".join, "reason": "; ".join})
        return joined.reset_index().astype({"field": "str", "reason": "str"})


def _notes_frame(found: list[tuple[str, np.ndarray, pd.Series | str]]) -> pd.DataFrame:
    """One row per (masked row, field), sorted by position (stable in ``found`` order)."""
    positions, fields, reasons = [], [], []
    for field, mask, reason in found:
        rows = np.flatnonzero(mask)
        positions.append(rows)
        fields.extend([field] * len(rows))
        if isinstance(reason, str):
            reasons.extend([reason] * len(rows))
        else:
            reasons.extend(reason[~reason.index.duplicated()].reindex(rows).tolist())
    pos = np.concatenate(positions) if positions else np.zeros(0, dtype=np.int64)
    order = np.argsort(pos, kind="stable")
    return pd.DataFrame(
        {
            "position": pos[order].astype(np.int64),
            "field": pd.Series(np.asarray(fields, dtype=object)[order], dtype="str"),
            "reason": pd.Series(np.asarray(reasons, dtype=object)[order], dtype="str"),
        }
    )


# -- hashing ---------------------------------------------------------------------------
_U = np.uint64
_M1 = _U(0xBF58476D1CE4E5B9)
_M2 = _U(0x94D049BB133111EB)
_GOLD = _U(0x9E3779B97F4A7C15)
_ALL = _U(0xFFFFFFFFFFFFFFFF)
_NULL = _U(0x7F4A7C159E3779B9)


def _mix(h: np.ndarray, tmp: np.ndarray | None = None) -> np.ndarray:
    """The splitmix64 finaliser, in place: every input bit affects every output bit."""
    if tmp is None:
        tmp = np.empty_like(h)
    np.right_shift(h, _U(30), out=tmp)
    h ^= tmp
    h *= _M1
    np.right_shift(h, _U(27), out=tmp)
    h ^= tmp
    h *= _M2
    np.right_shift(h, _U(31), out=tmp)
    h ^= tmp
    return h


def _arrow_text(values: pd.Series | pa.Array | pa.ChunkedArray) -> pa.Array:
    """One contiguous Arrow string or large-string array."""
    if isinstance(values, pd.Series):
        values = pa.array(values.array if values.dtype == "str" else as_text(values).array)
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks != 1 else values.chunk(0)
    if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        values = values.cast(pa.large_string())
    return values


def _string_buffers(array: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(offsets as int64, data bytes) of a string or large-string array."""
    n = len(array)
    buffers = array.buffers()
    width = np.int64 if pa.types.is_large_string(array.type) else np.int32
    size = np.dtype(width).itemsize
    offsets = np.frombuffer(buffers[1], dtype=width, count=n + 1, offset=array.offset * size)
    data = (
        np.frombuffer(buffers[2], dtype=np.uint8)
        if buffers[2] is not None
        else np.zeros(0, np.uint8)
    )
    return offsets.astype(np.int64, copy=False), data


def hash_strings(values: pd.Series | pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A stable 64-bit hash of each string's UTF-8 bytes (missing values hash alike).

    The bytes are read as little-endian 8-byte words (the last one zero-padded)
    and folded into a splitmix64 chain seeded with the length. Vectorised with
    numpy; the value for a given string never changes between versions or runs,
    so stored keys stay valid.
    """
    array = _arrow_text(values)
    n = len(array)
    if array.null_count == n:
        return np.full(n, _NULL, dtype=np.uint64)
    offsets, data = _string_buffers(array)
    first, last = int(offsets[0]), int(offsets[-1])
    raw = data[first:last]
    lengths = np.diff(offsets)
    h = lengths.astype(np.uint64)
    h ^= _GOLD
    tmp = np.empty_like(h)
    _mix(h, tmp)
    longest = int(lengths.max())
    if longest and int(lengths.min()) == longest:
        # Every string has the same length: the bytes form an n × longest matrix.
        width = (longest + 7) // 8
        padded = np.zeros((n, width * 8), dtype=np.uint8)
        padded[:, :longest] = raw.reshape(n, longest)
        words = padded.view("<u8")
        for k in range(width):
            h ^= words[:, k]
            _mix(h, tmp)
    elif longest:
        _hash_ragged(h, raw, offsets[:-1] - first, lengths)
    if array.null_count:
        h[~np.asarray(array.is_valid())] = _NULL
    return h


def _hash_ragged(h: np.ndarray, raw: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> None:
    """Fold the words of strings of different lengths into ``h``, 8 bytes per round."""
    words = np.zeros(len(raw) // 8 + 2, dtype=np.uint64)
    words.view(np.uint8)[: len(raw)] = raw
    rows = np.flatnonzero(lengths > 0)
    pos = starts[rows].astype(np.uint64)
    rem = lengths[rows].astype(np.uint64)
    while len(rows):
        shift = (pos & _U(7)) << _U(3)
        index = pos >> _U(3)
        word = words[index]
        word >>= shift
        index += _U(1)
        high = words[index]
        high <<= _U(63) - shift
        high <<= _U(1)
        word |= high
        tail = np.minimum(rem, _U(8))
        rem -= tail
        tail <<= _U(3)
        np.subtract(_U(64), tail, out=tail)
        word &= _ALL >> tail
        part = h[rows]
        part ^= word
        h[rows] = _mix(part)
        pos += _U(8)
        live = rem > _U(0)
        if not live.all():
            rows, pos, rem = rows[live], pos[live], rem[live]


def _hash_times(values: pd.Series) -> np.ndarray:
    micros = values.to_numpy(dtype="datetime64[us]", na_value=np.datetime64("NaT")).view(np.int64)
    h = _mix(micros.astype(np.uint64) ^ _GOLD)
    h[values.isna().to_numpy()] = _NULL
    return h


def event_keys(
    event_id: pd.Series,
    contact_id: pd.Series,
    kind: pd.Series,
    occurred_at: pd.Series,
    asset: pd.Series,
    campaign: pd.Series,
    channel: pd.Series,
) -> np.ndarray:
    """``event_key``: the hash of event_id where given, else of the event's fields."""
    keys = hash_strings(event_id)
    derived = event_id.isna().to_numpy()
    if derived.any():
        rows = np.flatnonzero(derived)
        h = np.full(len(rows), _U(0x5EED5EED5EED5EED))
        parts = [
            hash_strings(contact_id.iloc[rows]),
            hash_strings(kind.iloc[rows]),
            _hash_times(occurred_at.iloc[rows]),
        ]
        parts += [hash_strings(col.iloc[rows]) for col in (asset, campaign, channel)]
        for part in parts:
            h = h * _U(0x100000001B3) + part
            _mix(h)
        keys[rows] = h
    return keys


# -- lookups against the store ------------------------------------------------------------
class _Lookup:
    """Resolve values of one column against the store, asking once per distinct value.

    Distinct values are found by their 64-bit hash and answers are cached
    across chunks. Checking that many ids exist (ten million events naming
    half a million contacts) loads the kind's id column once and compares
    hashes; a false match needs two different ids with equal 64-bit hashes.
    """

    _BULK = 50_000

    def __init__(self, store: GraphStore, kind: Kind, by: str) -> None:
        self.store, self.kind, self.by = store, kind, by
        self.id_column = KEYS[kind][0]
        self.keys = pd.Index(np.zeros(0, dtype=np.uint64))
        self.found = np.zeros(0, dtype=bool)
        self.ids = np.zeros(0, dtype=object)
        self.every_id: pd.Index | None = None
        self.domains = DomainMatcher(store)

    def _ask(self, values: pd.Series) -> pd.Series:
        if (self.kind, self.by) == ("accounts", "domain"):
            # Never a guess: a domain accounts of several families share resolves to none.
            return self.domains.match(values)["account_id"]
        if self.by != self.id_column:
            return self.store.resolve(self.kind, self.by, values)
        # Ids map to themselves: ask which of them the store holds.
        held = self.store.table(self.kind, values)[self.id_column]
        return values.where(values.isin(held)).astype("str")

    def _codes(self, values: pd.Series, hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        codes, uniques = pd.factorize(hashes)
        where = self.keys.get_indexer(uniques)
        missing = where < 0
        if missing.any():
            first = np.empty(len(uniques), dtype=np.int64)
            first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)
            asked = values.iloc[first[missing]].reset_index(drop=True)
            answer = self._ask(asked)
            ids = answer.astype(object).where(answer.notna(), None).to_numpy(dtype=object)
            self.keys = self.keys.append(pd.Index(uniques[missing]))
            self.found = np.concatenate([self.found, answer.notna().to_numpy()])
            self.ids = np.concatenate([self.ids, ids])
            where = self.keys.get_indexer(uniques)
        return codes, where

    def exists(self, values: pd.Series) -> np.ndarray:
        """Which (non-missing) values the store knows."""
        if not len(values):
            return np.zeros(0, dtype=bool)
        hashes = hash_strings(values)
        if self.by == self.id_column and (self.every_id is not None or len(values) > self._BULK):
            if self.every_id is None:
                stored = self.store.ids(self.kind)
                self.every_id = pd.Index(pd.unique(hash_strings(stored)))
            return self.every_id.get_indexer(hashes) >= 0
        codes, where = self._codes(values, hashes)
        return self.found[where][codes]

    def resolve(self, values: pd.Series) -> pd.Series:
        """The id each (non-missing) value resolves to; missing where unknown."""
        if not len(values):
            return pd.Series([], dtype="str", index=values.index)
        codes, where = self._codes(values, hash_strings(values))
        return pd.Series(self.ids[where][codes], index=values.index, dtype="str")


class _SortedRun:
    """``np.sort(keys)`` computed on another thread (numpy releases the GIL while sorting)."""

    def __init__(self, keys: np.ndarray) -> None:
        self._result: np.ndarray | None = None
        self._thread = threading.Thread(target=self._run, args=(keys,), daemon=True)
        self._thread.start()

    def _run(self, keys: np.ndarray) -> None:
        self._result = np.sort(keys)

    def __len__(self) -> int:
        return len(self.get())

    def get(self) -> np.ndarray:
        self._thread.join()
        if self._result is None:  # the sort failed on its thread (it said why on stderr)
            raise InternalError("sorting the event keys failed; nothing was written.")
        return self._result


# -- small helpers -------------------------------------------------------------------------
def _text(series: pd.Series) -> pd.Series:
    """Trimmed text; empty strings become missing. Clean columns come back as they are."""
    if series.dtype != "str":
        series = as_text(series)
    original = pa.array(series.array)
    trimmed = pc.utf8_trim_whitespace(original)
    # Whitespace before a formula character (`=`, `+`, `-`, `@`) disarms it in a
    # spreadsheet: such a value keeps its leading whitespace, as it was given.
    armed = pc.and_(
        pc.fill_null(pc.match_substring_regex(trimmed, r"^[=+\-@]"), False),
        pc.fill_null(pc.match_substring_regex(original, r"^\s"), False),
    )
    if pc.any(armed).as_py():
        trimmed = pc.if_else(armed, pc.utf8_rtrim_whitespace(original), trimmed)
    lengths = pc.binary_length(trimmed)
    empty = pc.equal(lengths, 0)
    if pc.any(empty).as_py():
        trimmed = pc.if_else(empty, pa.scalar(None, trimmed.type), trimmed)
    elif pc.all(pc.equal(lengths, pc.binary_length(original))).as_py() is not False:
        return series
    return pd.Series(trimmed.to_pandas(), index=series.index, dtype="str")


def _mask(invalid: pd.Series | np.ndarray) -> np.ndarray:
    return np.asarray(invalid, dtype=bool)


def _quoted(
    series: pd.Series, invalid: pd.Series | np.ndarray, prefix: str, suffix: str = ""
) -> pd.Series:
    """``prefix + repr(value) + suffix`` for the invalid rows, indexed by row position."""
    rows = np.flatnonzero(_mask(invalid))
    if not len(rows):
        return pd.Series([], dtype="str")
    shown = as_text(series.iloc[rows]).str.strip().map(repr)
    return pd.Series((prefix + shown + suffix).to_numpy(), index=rows, dtype="str")


def _positional(series: pd.Series) -> pd.Series:
    return series.reset_index(drop=True)


def _na_series(n: int, dtype: str) -> pd.Series:
    if dtype == "str":
        return pd.Series(pa.nulls(n, pa.large_string()).to_pandas(), index=pd.RangeIndex(n))
    return pd.Series(index=pd.RangeIndex(n), dtype=dtype)


def _as_dtype(series: pd.Series, dtype: str) -> pd.Series:
    if str(series.dtype) == dtype or (dtype == "str" and series.dtype == "str"):
        return series
    return series.astype(dtype)


def _type_key(value: str) -> str:
    return "".join(ch for ch in value.lower() if ch.isalnum())


def _phone(text: pd.Series, region: pd.Series | None) -> pd.Series:
    """E.164 where the number parses (in the row's country), else as written."""
    e164, _ = normalize.normalize_phone(text, region)
    return e164.where(e164.notna(), text).astype("str")


def _blank(values: pd.Series, bad: np.ndarray) -> pd.Series:
    """``values`` with the rows in ``bad`` missing (dtype kept)."""
    return values.mask(bad) if bad.any() else values


# Parse failures of these fields count only when the field is used (the other is empty).
_ONLY_IF_USED: dict[Kind, dict[str, str]] = {
    "engagements": {"email": "contact_id"},
    "intent": {"domain": "account_id"},
}

_DATE_FORMS = (
    " (accepted: ISO-8601 such as 2026-02-23 or 2026-02-23T16:14:25+0000, "
    "2/23/2026, 2/23/26 9:15, 23.02.2026, 23/02/2026)"
)
_DATE_RANGE = "1678-01-01 to 2261-12-31"
# Counts that cannot be below zero.
_NOT_NEGATIVE = frozenset({"employees"})

_VOCABS = {
    "seniority": ("seniority", SENIORITIES),
    "department": ("department", DEPARTMENTS),
    "buying_role": ("buying role", BUYING_ROLES),
}


# -- the validator ----------------------------------------------------------------------
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
        self._types = {_type_key(t): t for t in self.engagement_types}
        self._plans: dict[tuple[str, ...], ColumnPlan] = {}
        self._lookups: dict[tuple[str, str], _Lookup] = {}
        self._key_runs: list[_SortedRun] = []
        # Fields whose problems reject the row: keys, the id-or-alias pair, required fields.
        self.critical = (
            {spec.name for spec in self.specs if spec.required}
            | set(KEYS[kind])
            | set(_ONE_OF.get(kind, ()))
            | ({"event_id"} if kind == "engagements" else set())
        )
        self._domains = DomainMatcher(store)

    @staticmethod
    def _keep_invalid(
        kept: dict[str, pd.Series], name: str, text: pd.Series, bad: np.ndarray
    ) -> pd.Series:
        """Record the given text of ``name`` where ``bad`` as ``<name>_invalid``; blank it."""
        given = _text(as_text(text) if text.dtype != "str" else text)
        column = f"{name}{INVALID_SUFFIX}"
        shown = given.where(bad)
        if column in kept:
            shown = kept[column].where(~bad, shown)
        kept[column] = shown.astype("str")
        return _blank(text, bad)

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
        fails = _Failures(n)
        kept: dict[str, pd.Series] = {}  # <field>_invalid: the text of blanked values
        for name, error in transform_errors.items():
            error = _positional(error)
            bad = error.notna().to_numpy()
            if name in self.critical or name not in raw:
                fails.add(self.rank.get(name, 0) + 1, name, bad, error[bad])
            else:
                fails.warn(name, bad, error[bad])
                # Keep the text the transform could not map, from the column it came from.
                given = [frame[c] for c, _ in plan.sources.get(name, []) if c in frame.columns]
                text = given[0] if given else raw[name]
                self._keep_invalid(kept, name, _positional(text), bad)
                raw[name] = _blank(_positional(raw[name]), bad)
        only_if_used = _ONLY_IF_USED.get(self.kind, {})
        for spec in self.specs:
            if spec.parser == "datetime" and spec.name in raw:
                self.date_order.observe(_positional(raw[spec.name]))
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
                    absent[dtype] = _na_series(n, dtype)
                values[spec.name] = absent[dtype]
                invalid[spec.name] = np.zeros(n, dtype=bool)
                if spec.required:
                    fails.add(self.rank[spec.name] + 2, spec.name, np.ones(n, dtype=bool), missing)
                continue
            series = _positional(series)
            parsed, bad, reason = self._parse(spec, series)
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
                values[spec.name] = _blank(parsed, bad)
        for name, other in only_if_used.items():
            used = invalid[name] & values[other].isna().to_numpy()
            fails.add(self.rank[name] + 3, name, used, reasons.get(name, ""))
        derived: dict[str, pd.Series] = {}
        getattr(self, f"_rules_{self.kind}")(values, invalid, derived, fails)
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
            self._key_runs.append(_SortedRun(good["event_key"].to_numpy()))
        return ChunkResult(good, rejects, warnings)

    def duplicates(self, good: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
        """Later rows repeating a key of an earlier row: (mask, rejects frame)."""
        keys = list(KEYS[self.kind])
        empty = _empty_notes()
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
                columns[name] = _na_series(n, dtype)
                continue
            series = series.reset_index(drop=True)
            if not all_good:
                series = series[keep].reset_index(drop=True)
            columns[name] = _as_dtype(series, dtype)
        for name in extras.columns:
            series = extras[name].reset_index(drop=True)
            columns[name] = series if all_good else series[keep].reset_index(drop=True)
        columns["source_line"] = lines[keep]
        return pd.DataFrame(columns, index=pd.RangeIndex(n), copy=False)

    # -- parsing -----------------------------------------------------------------------
    def _parse(
        self, spec: FieldSpec, series: pd.Series
    ) -> tuple[pd.Series, np.ndarray, pd.Series | str]:
        """(parsed values, invalid mask, reason per invalid row) for one column."""
        parser, name = spec.parser, spec.name
        none = np.zeros(len(series), dtype=bool)
        if parser in ("id", "text", "phone"):
            return _text(series), none, ""
        if parser == "list":
            return normalize.split_list(_text(series)), none, ""
        if parser == "int":
            out, bad = normalize.parse_int(series)
            bad = _mask(bad)
            reason: pd.Series | str = _quoted(series, bad, "not a whole number: ")
            if name in _NOT_NEGATIVE:
                negative = (out < 0).fillna(False).to_numpy(dtype=bool) & ~bad
                if negative.any():
                    out = out.mask(negative)
                    what = _quoted(series, negative, f"{name} ", " is negative")
                    return out, bad | negative, pd.concat([reason, what])
            return out, bad, reason
        if parser in ("number", "score"):
            out, bad = normalize.parse_number(series)
            bad = _mask(bad)
            if parser == "score":
                outside = (out.notna() & ~out.between(0, 100)).to_numpy()
                reason = pd.concat(
                    [
                        _quoted(series, bad, "not a number: "),
                        _quoted(series, outside, f"{name} ", " is outside 0–100"),
                    ]
                )
                return out, bad | outside, reason
            return out, bad, _quoted(series, bad, "not a number: ")
        if parser == "bool":
            out, bad = normalize.parse_bool(series)
            return out, _mask(bad), _quoted(series, bad, "not true/false/yes/no/1/0: ")
        if parser == "datetime":
            return self._datetime(series)
        if parser == "email":
            out, bad = normalize.normalize_email(series)
            return out, _mask(bad), _quoted(series, bad, "not an email address: ")
        if parser == "domain":
            out, bad = normalize.registrable_domain(series)
            return out, _mask(bad), _quoted(series, bad, "not a web domain: ")
        if parser == "country":
            out, bad = normalize.country_iso2(series)
            return (
                out,
                _mask(bad),
                _quoted(
                    series,
                    bad,
                    "unknown country ",
                    "; use an ISO-3166 alpha-2 code or a country name",
                ),
            )
        if parser in _VOCABS:
            function = {
                "seniority": normalize.canonical_seniority,
                "department": normalize.canonical_department,
                "buying_role": normalize.canonical_buying_role,
            }[parser]
            label, vocab = _VOCABS[parser]
            out, bad = function(series)
            return (
                out,
                _mask(bad),
                _quoted(series, bad, f"unknown {label} ", f"; accepted: {', '.join(vocab)}"),
            )
        if parser == "buying_roles":
            return canonical_buying_roles(series)
        if parser == "engagement_type":
            return self._engagement_type(series)
        if parser == "email_status":
            text = _text(series)
            folded = text.str.lower()
            bad = (text.notna() & ~folded.isin(EMAIL_STATUSES)).to_numpy()
            out = folded.where(~bad).astype("str")
            return (
                out,
                bad,
                _quoted(
                    series, bad, "unknown email_status ", f"; accepted: {', '.join(EMAIL_STATUSES)}"
                ),
            )
        raise AssertionError(f"no parser for {parser!r}")

    def _datetime(self, series: pd.Series) -> tuple[pd.Series, np.ndarray, pd.Series | str]:
        """Dates in the forms of ``normalize.parse_datetime``, in the file's day/month order."""
        out, bad, outside = normalize.parse_datetime_detail(series, self.date_order)
        bad = _mask(bad)
        if not bad.any():
            return out, bad, ""
        unreadable = bad & ~outside
        order = self.date_order.describe()
        local = np.zeros(len(series), dtype=bool)
        if order is not None and unreadable.any():
            rows = np.flatnonzero(unreadable)
            text = as_text(series.iloc[rows]).str.strip()
            local[rows] = text.str.fullmatch(dates.LOCAL_DATE).fillna(False).to_numpy(dtype=bool)
        reason = pd.concat(
            [
                _quoted(series, unreadable & ~local, "not a date: ", _DATE_FORMS),
                _quoted(series, local, "not a date in this file's order, ", f": {order}"),
                _quoted(series, outside, "date ", f" is outside the range accepted, {_DATE_RANGE}"),
            ]
        )
        return out, bad, reason

    def _engagement_type(self, series: pd.Series) -> tuple[pd.Series, np.ndarray, pd.Series]:
        """Engagement types, folded (``Page View`` → ``page_view``), checked once per distinct value."""
        text = _text(series)
        array = pa.array(text.array)
        if isinstance(array, pa.ChunkedArray):
            array = array.combine_chunks()
        canonical = pa.array(self.engagement_types, type=array.type)
        if pc.all(pc.is_in(array, value_set=canonical)).as_py() is not False:
            return text, np.zeros(len(text), dtype=bool), ""  # all canonical already
        encoded = array.dictionary_encode()
        given = encoded.dictionary.to_pylist()
        names = [self._types.get(_type_key(v)) for v in given]
        if names == given:
            out = text  # already canonical: no need to rebuild the column
        else:
            table = pa.array(names, type=pa.large_string())
            out = pd.Series(table.take(encoded.indices).to_pandas(), index=series.index)
            out = out.astype("str")
        bad = (text.notna() & out.isna()).to_numpy()
        known = ", ".join(self.engagement_types)
        return out, bad, _quoted(series, bad, "unknown engagement type ", f"; known: {known}")

    # -- references ---------------------------------------------------------------------
    def _lookup(self, kind: Kind, by: str) -> _Lookup:
        if (kind, by) not in self._lookups:
            self._lookups[(kind, by)] = _Lookup(self.store, kind, by)
        return self._lookups[(kind, by)]

    def _must_exist(self, values: pd.Series, kind: Kind, field: str, fails: _Failures) -> None:
        """Reject rows whose ``field`` names an id of ``kind`` the store does not have."""
        given = values.notna().to_numpy()
        if not given.any():
            return
        rows = np.flatnonzero(given)
        known = self._lookup(kind, KEYS[kind][0]).exists(values.iloc[rows])
        unknown = rows[~known]
        if len(unknown):
            mask = np.zeros(len(values), dtype=bool)
            mask[unknown] = True
            shown = values.iloc[unknown].astype("str")
            if kind == "contacts" and self.kind == "engagements":
                reason = "unknown contact_id " + shown.map(repr) + ": ingest contacts first"
            else:
                plural = kind.replace("_", " ")
                reason = f"{field} " + shown.map(repr) + f" not found: ingest {plural} first"
            fails.add(
                self.rank.get(field, 0) + 5,
                field,
                mask,
                pd.Series(reason.to_numpy(), index=unknown),
            )

    def _resolve(
        self,
        values: pd.Series,
        rows: np.ndarray,
        kind: Kind,
        by: str,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Resolve ``values`` at ``rows`` to ids: (resolved ids, hit mask), both for ``rows``."""
        found = self._lookup(kind, by).resolve(values.iloc[rows])
        return found.to_numpy(dtype=object), found.notna().to_numpy()

    # -- per-kind rules -------------------------------------------------------------------
    def _rules_accounts(self, values, invalid, derived, fails) -> None:
        return None

    def _rules_contacts(self, values, invalid, derived, fails) -> None:
        from abmgraph.ingest import titles

        account = values["account_id"].copy()
        explicit = account.notna().to_numpy()
        self._must_exist(account, "accounts", "account_id", fails)
        email = values["email"]
        domain = normalize.email_domain(email)
        has_email = email.notna().to_numpy()
        free = normalize.is_free_mail(domain).to_numpy(dtype=bool)
        derived["email_domain"] = domain
        derived["is_free_mail"] = pd.Series(free, dtype="boolean").where(has_email, pd.NA)
        disposable = normalize.is_disposable(domain).to_numpy(dtype=bool)
        derived["is_disposable"] = pd.Series(disposable, dtype="boolean").where(has_email, pd.NA)
        if invalid["email"].any():
            # The address is blanked: mark it so nothing exports or scores the person by it.
            derived["email_status"] = values["email_status"].mask(invalid["email"], "invalid")
        match = pd.Series(pd.NA, index=account.index, dtype="str")
        match[explicit] = "explicit"
        candidates = np.flatnonzero(~explicit & has_email & ~free)
        if len(candidates):
            registrable, _ = normalize.registrable_domain(domain.iloc[candidates])
            usable = registrable.notna().to_numpy()
            rows = candidates[usable]
            if len(rows):
                # Never a guess: a domain several families share leaves the lead unmatched.
                domains = registrable[usable].reset_index(drop=True)
                found = self._domains.match(domains)
                hit = found["account_id"].notna().to_numpy()
                account.iloc[rows[hit]] = found["account_id"].to_numpy()[hit]
                family = found["family"].to_numpy()[hit]
                match.iloc[rows[hit]] = np.where(family, "email_domain_family", "email_domain")
                shared = np.flatnonzero(found["candidates"].notna().to_numpy())
                if len(shared):
                    why = unmatched_reasons(domains.iloc[shared], found["candidates"].iloc[shared])
                    mask = np.zeros(len(account), dtype=bool)
                    mask[rows[shared]] = True
                    fails.warn("account_id", mask, pd.Series(why.to_numpy(), index=rows[shared]))
        derived["account_id"] = account.astype("str")
        derived["account_match"] = match
        title = values["title"]
        has_title = title.notna().to_numpy()
        for name, infer in (
            ("seniority", titles.infer_seniority),
            ("department", titles.infer_department),
        ):
            out = values[name].copy()
            given = out.notna().to_numpy()
            source = pd.Series(pd.NA, index=out.index, dtype="str")
            source[given] = "explicit"
            rows = np.flatnonzero(~given & has_title)
            if len(rows):
                inferred = pd.Series(infer(title.iloc[rows]), dtype="str")
                if name == "department":
                    inferred = inferred.fillna("other")
                hit = inferred.notna().to_numpy()
                out.iloc[rows[hit]] = inferred.to_numpy()[hit]
                source.iloc[rows[hit]] = "inferred"
            derived[name] = out.astype("str")
            derived[f"{name}_source"] = source
        phone = values["phone"]
        if phone.notna().any():
            derived["phone"] = _phone(phone, values["country"])

    def _id_or_alias(
        self,
        values: pd.DataFrame,
        invalid: pd.DataFrame,
        fails: _Failures,
        *,
        kind: Kind,
        id_field: str,
        alias: str,
        unknown: str,
    ) -> pd.Series:
        """Ids from ``id_field``, or resolved from ``alias`` (an email, a domain) when empty.

        An id must exist; an alias must resolve (``unknown`` is the reason, with
        ``{value}`` for the alias); a row with neither is rejected.
        """
        given = values[id_field]
        has_id = given.notna().to_numpy()
        self._must_exist(given, kind, id_field, fails)
        other = values[alias]
        resolved = given.copy()
        rows = np.flatnonzero(~has_id & other.notna().to_numpy())
        if len(rows):
            ids, hit = self._resolve(other, rows, kind, alias)
            resolved.iloc[rows[hit]] = ids[hit]
            miss = rows[~hit]
            if len(miss):
                mask = np.zeros(len(given), dtype=bool)
                mask[miss] = True
                head, tail = unknown.split("{value}")
                reason = head + other.iloc[miss].map(repr) + tail
                fails.add(
                    self.rank[alias] + 5, alias, mask, pd.Series(reason.to_numpy(), index=miss)
                )
        neither = ~has_id & other.isna().to_numpy() & ~invalid[alias]
        fails.add(
            self.rank[id_field] + 2,
            id_field,
            neither,
            f"missing {id_field} or {alias} (one is required)",
        )
        return resolved.astype("str")

    def _rules_engagements(self, values, invalid, derived, fails) -> None:
        resolved = self._id_or_alias(
            values,
            invalid,
            fails,
            kind="contacts",
            id_field="contact_id",
            alias="email",
            unknown="unknown email {value}: no contact has it; ingest contacts first",
        )
        derived["contact_id"] = resolved
        derived["event_key"] = pd.Series(
            event_keys(
                values["event_id"],
                resolved,
                values["type"],
                values["occurred_at"],
                values["asset"],
                values["campaign"],
                values["channel"],
            )
        )

    def _rules_intent(self, values, invalid, derived, fails) -> None:
        derived["account_id"] = self._id_or_alias(
            values,
            invalid,
            fails,
            kind="accounts",
            id_field="account_id",
            alias="domain",
            unknown="no account has domain {value}: ingest accounts first",
        )
        # A domain several corporate families share names no account: say which share it.
        rows = np.flatnonzero(values["account_id"].isna().to_numpy() & values["domain"].notna())
        if len(rows):
            domains = values["domain"].iloc[rows].reset_index(drop=True)
            shared = self._lookup("accounts", "domain").domains.match(domains)["candidates"]
            hit = shared.notna().to_numpy()
            if hit.any():
                mask = np.zeros(len(values["domain"]), dtype=bool)
                mask[rows[hit]] = True
                why = unmatched_reasons(domains[hit], shared[hit], "intent")
                fails.add(self.rank["domain"] + 4, "domain", mask, why.set_axis(rows[hit]))

    def _rules_opportunities(self, values, invalid, derived, fails) -> None:
        self._must_exist(values["account_id"], "accounts", "account_id", fails)

    def _rules_opportunity_contacts(self, values, invalid, derived, fails) -> None:
        self._must_exist(values["opportunity_id"], "opportunities", "opportunity_id", fails)
        self._must_exist(values["contact_id"], "contacts", "contact_id", fails)
